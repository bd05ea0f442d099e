/* The staff report form's map: a tap (or the device's location) fills in the point. */
(function () {
  "use strict";
  var el = document.getElementById("report-map");
  if (!el || typeof L === "undefined") { return; }
  var lon = document.getElementById("id_lon"), lat = document.getElementById("id_lat");
  var map = L.map(el, { attributionControl: Boolean(el.dataset.tileUrl) });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  var b = el.dataset.bounds.split(",").map(Number);
  map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
  var marker = null;
  function place(latlng, pan) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, { radius: 9, color: "#b91c1c", fillOpacity: 0.6 }).addTo(map); }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    // A script's change fires no event: tell the form, which asks for reports nearby.
    lat.dispatchEvent(new Event("change", { bubbles: true }));
    if (pan) { map.panTo(latlng); }
  }
  var areas = L.geoJSON(null, { style: { color: "#2563eb", weight: 2, fillOpacity: 0.08 }, interactive: false }).addTo(map);
  map.on("click", function (e) { place(e.latlng, false); });
  fetch(el.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (collection) {
      areas.addData(collection);
      if (lon.value && lat.value) { place(L.latLng(+lat.value, +lon.value), false); }
      el.setAttribute("data-loaded", "true");
    })
    .catch(function () { el.setAttribute("data-loaded", "error"); });
  document.getElementById("locate-me").addEventListener("click", function () {
    if (!navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (p) { place(L.latLng(p.coords.latitude, p.coords.longitude), true); });
  });
})();
