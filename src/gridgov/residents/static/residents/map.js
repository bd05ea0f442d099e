/* The residents' maps. Government intranets usually have no tile server, and a grey box gives
 * a resident nothing to find their place by, so the districts' and subdistricts' outlines are
 * drawn beneath everything else, tiles or not, with the served area (where a report may be
 * placed) drawn boldest; a subdistrict names itself when touched (as a text node: Leaflet
 * renders a string as HTML, and names come from imported files). */
window.residentMap = function (el) {
  "use strict";
  var data = el.dataset;
  var map = L.map(el, { attributionControl: Boolean(data.tileUrl) });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  var b = data.bounds.split(",").map(Number);
  map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
  // Above the tiles (pane 200), below the points and markers (400).
  map.createPane("outline").style.zIndex = 350;
  function style(feature) {
    var level = feature.properties.level;
    if (level === "served") { return { color: "#2563eb", weight: 3, fill: false }; }
    return level === "district"
      ? { color: "#334155", weight: 2.5, fill: false }
      : { color: "#64748b", weight: 1, fillColor: "#64748b", fillOpacity: 0.04 };
  }
  fetch(data.outlineUrl, { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (collection) {
      L.geoJSON(collection, {
        pane: "outline",
        style: style,
        onEachFeature: function (f, layer) {
          if (f.properties.level === "subdistrict") { layer.bindTooltip(document.createTextNode(f.properties.name), { sticky: true }); }
        },
      }).addTo(map);
      el.setAttribute("data-outline", "true");
    })
    .catch(function () { el.setAttribute("data-outline", "error"); });
  return map;
};
