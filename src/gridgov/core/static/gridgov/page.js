/* Behaviour every page may use. The Content-Security-Policy (ADR 0012) runs no inline script,
 * javascript: link or on* attribute, so pages mark elements with data- attributes instead. */
(function () {
  "use strict";
  // A link that goes back where the user came from; without history it follows its href.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("[data-history-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
