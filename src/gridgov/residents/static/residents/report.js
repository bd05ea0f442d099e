/* The residents' report form: the chosen category's extra fields, and the point on the map. */
(function () {
  "use strict";
  var select = document.getElementById("id_category");
  function showExtra() {
    document.querySelectorAll("fieldset.extra").forEach(function (f) { f.hidden = f.dataset.category !== select.value; });
  }
  select.addEventListener("change", showExtra);
  showExtra();
  var el = document.getElementById("resident-map");
  if (!el || typeof L === "undefined") { return; }
  var lon = document.getElementById("id_lon"), lat = document.getElementById("id_lat");
  var map = residentMap(el);
  var marker = null;
  var outside = document.getElementById("point-outside");
  function place(latlng, pan) {
    // The server refuses a point outside every grid; say so here, before the form is sent.
    outside.hidden = map.served(latlng) !== false;
    if (!outside.hidden) { return; }
    if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, { radius: 10, color: "#b91c1c", fillOpacity: 0.6 }).addTo(map); }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    lat.dispatchEvent(new Event("change", { bubbles: true }));
    document.getElementById("point-chosen").hidden = false;
    if (pan) { map.panTo(latlng); }
  }
  if (lon.value && lat.value) { place(L.latLng(+lat.value, +lon.value), false); }
  map.on("click", function (e) { place(e.latlng, false); });
  document.getElementById("id_address").addEventListener("address-picked", function (e) {
    place(L.latLng(e.detail.lat, e.detail.lon), true);
  });
  document.getElementById("locate-me").addEventListener("click", function () {
    if (!navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (p) { place(L.latLng(p.coords.latitude, p.coords.longitude), true); });
  });
  el.setAttribute("data-loaded", "true");
})();
