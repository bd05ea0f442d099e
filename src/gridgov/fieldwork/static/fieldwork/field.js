/* The phone's position at the moment of a check-in or result, put into the form's hidden
   lon/lat inputs; nothing is sent between check-ins (no tracking, by principle). */
(function () {
  "use strict";
  function status(text) {
    document.querySelectorAll("[data-locate-status]").forEach(function (el) { el.textContent = text; });
  }
  function fill(position) {
    var lon = position.coords.longitude.toFixed(6);
    var lat = position.coords.latitude.toFixed(6);
    document.querySelectorAll("input[name=lon][data-locate]").forEach(function (el) { el.value = lon; });
    document.querySelectorAll("input[name=lat][data-locate]").forEach(function (el) { el.value = lat; });
    var done = document.querySelector("[data-locate-done]");
    status(done ? done.getAttribute("data-locate-done") : "");
  }
  function locate() {
    if (!document.querySelector("input[data-locate]")) { return; }
    if (!navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(fill, function () {
      var failed = document.querySelector("[data-locate-failed]");
      status(failed ? failed.getAttribute("data-locate-failed") : "");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
  }
  document.addEventListener("DOMContentLoaded", function () {
    locate();
    document.querySelectorAll("[data-locate-again]").forEach(function (button) {
      button.addEventListener("click", locate);
    });
  });
})();
