// Conditional questions: a wrapper with data-show-field is shown only while the named
// question's answer is one of data-show-in ("|"-separated). The server applies the same
// rule (campaigns.runtime), so this only spares the worker questions that do not apply.
(function () {
  "use strict";
  function chosen(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      if (input.value) values.push(input.value);
    });
    return values;
  }
  function update(form) {
    form.querySelectorAll("[data-show-field]").forEach(function (wrapper) {
      var wanted = wrapper.getAttribute("data-show-in").split("|");
      var have = chosen(form, wrapper.getAttribute("data-show-field"));
      wrapper.hidden = !have.some(function (v) { return wanted.indexOf(v) >= 0; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.answer-form").forEach(function (form) {
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
  });
})();
