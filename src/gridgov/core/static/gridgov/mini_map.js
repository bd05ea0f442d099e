/* The mini-map of an event page: the event's pin (coloured by state, red when overdue) on its
 * grid's outline, named on the map; tiles only where a tile server is configured. */
(function () {
  "use strict";
  var el = document.getElementById("mini-map");
  if (!el || typeof L === "undefined") {
    return;
  }
  var data = el.dataset;
  var here = L.latLng(Number(data.lat), Number(data.lon));
  var map = L.map(el, { attributionControl: Boolean(data.tileUrl), maxZoom: 19 });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  map.setView(here, 16);
  var icon = L.divIcon({
    className: "event-pin state-" + data.status + (data.overdue === "true" ? " is-overdue" : ""),
    iconSize: [16, 16],
  });
  L.marker(here, { icon: icon, keyboard: false }).addTo(map);
  if (!data.gridUrl) {
    el.setAttribute("data-loaded", "true");
    return;
  }
  fetch(data.gridUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) {
        throw new Error("HTTP " + r.status);
      }
      return r.json();
    })
    .then(function (collection) {
      var grid = L.geoJSON(collection, {
        style: { color: "#2563eb", weight: 2, fillOpacity: 0.08 },
        interactive: false,
      }).addTo(map);
      grid.eachLayer(function (layer) {
        var name = document.createElement("span");
        name.textContent = layer.feature.properties.name;
        L.marker(layer.getCenter(), {
          icon: L.divIcon({ className: "area-label", html: name, iconSize: null }),
          interactive: false,
          keyboard: false,
        }).addTo(map);
      });
      map.fitBounds(grid.getBounds().extend(here), { padding: [10, 10], maxZoom: 17 });
      el.setAttribute("data-loaded", "true");
    })
    .catch(function () {
      el.setAttribute("data-loaded", "error");
    });
})();
