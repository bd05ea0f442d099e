/* A picked address fills the form's address, address code and grid code, as text. */
(function () {
  "use strict";
  var box = document.getElementById("address-check");
  if (!box) { return; }
  box.addEventListener("click", function (e) {
    var pick = e.target.closest("[data-address-pick]");
    if (!pick) { return; }
    var form = box.closest("form");
    var address = form.querySelector("[name=address]");
    var code = form.querySelector("[name$=address_code]");
    var grid = form.querySelector("[name=grid_code]");
    if (address) { address.value = pick.dataset.label; }
    if (code) { code.value = pick.dataset.code; }
    if (grid) { grid.value = pick.dataset.grid; }
  });
}());
