/* An address box that suggests standard addresses while one types (the address library's
 * matcher, through /residents/addresses.json). Picking one writes its text into the box, its
 * code into the form's hidden `code` field if there is one, and announces its point to the page
 * as an "address-picked" event on the box (the report form's map moves there). */
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest-url]");
  var list = document.getElementById("address-suggestions");
  if (!input || !list) { return; }
  var code = input.form.querySelector("input[name=code]");
  var timer = null;
  var asked = 0;
  function clear() {
    list.replaceChildren();
    list.hidden = true;
  }
  function pick(s) {
    input.value = s.label;
    if (code) { code.value = s.code; }
    clear();
    input.dispatchEvent(new CustomEvent("address-picked", { bubbles: true, detail: s }));
  }
  function show(suggestions) {
    list.replaceChildren();
    suggestions.forEach(function (s) {
      var button = list.appendChild(document.createElement("li")).appendChild(document.createElement("button"));
      button.type = "button";
      button.textContent = s.label;
      button.addEventListener("click", function () { pick(s); });
    });
    list.hidden = suggestions.length === 0;
  }
  function ask() {
    var text = input.value.trim();
    var ticket = ++asked;
    if (text.length < 4) { clear(); return; }
    fetch(input.dataset.suggestUrl + "?" + new URLSearchParams({ q: text }), { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (body) { if (ticket === asked) { show(body.suggestions); } })
      .catch(clear);
  }
  input.addEventListener("input", function () {
    if (code) { code.value = ""; }
    clearTimeout(timer);
    timer = setTimeout(ask, 350);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { clear(); }
  });
})();
