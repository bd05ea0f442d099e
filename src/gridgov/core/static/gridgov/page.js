/* Behaviour every page may use. The Content-Security-Policy (ADR 0012) runs no inline script,
 * javascript: link or on* attribute, so pages mark elements with data- attributes instead. */
(function () {
  "use strict";
  // Pages style themselves for script (the phone menu starts folded) only where script runs.
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var toggle = event.target instanceof Element ? event.target.closest("[data-menu-toggle]") : null;
    if (toggle) {
      var open = toggle.closest(".topbar").classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    // One menu group open at a time: a click anywhere else folds the open ones.
    var group = event.target instanceof Element ? event.target.closest("details[data-navgroup]") : null;
    document.querySelectorAll("details[data-navgroup][open]").forEach(function (other) {
      if (other !== group) { other.removeAttribute("open"); }
    });
  });
  // A link that goes back where the user came from; without history it follows its href.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("[data-history-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
