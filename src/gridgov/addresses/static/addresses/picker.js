/* A picked address fills the form's address (and grid code) as text. */
(function () {
  "use strict";
  var box = document.getElementById("address-check");
  if (!box) { return; }
  box.addEventListener("click", function (e) {
    var pick = e.target.closest("[data-address-pick]");
    if (!pick) { return; }
    var form = box.closest("form");
    var address = form.querySelector("[name=address]");
    var grid = form.querySelector("[name=grid_code]");
    if (address) { address.value = pick.dataset.label; }
    if (grid) { grid.value = pick.dataset.grid; }
  });
}());
