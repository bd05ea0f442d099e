/* The residents' maps. Government intranets usually have no tile server, and a grey box gives
 * a resident nothing to find their place by, so the districts' and subdistricts' outlines are
 * drawn beneath everything else, tiles or not, with the served area (where a report may be
 * placed) drawn boldest; a subdistrict names itself when touched (as a text node: Leaflet
 * renders a string as HTML, and names come from imported files). */
window.residentMap = function (el) {
  "use strict";
  var data = el.dataset;
  // maxZoom as the tiles have it, tiles or not: clustering builds one level per zoom up to it.
  var map = L.map(el, { attributionControl: Boolean(data.tileUrl), maxZoom: 19 });
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
  // The served area's rings once the outline is in: served() says whether a point lies inside
  // it (even-odd over every ring, holes included), or null while it is not known.
  var rings = null;
  function inside(latlng, ring) {
    var x = latlng.lng, y = latlng.lat, hit = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) { hit = !hit; }
    }
    return hit;
  }
  map.served = function (latlng) {
    if (!rings) { return null; }
    return rings.filter(function (ring) { return inside(latlng, ring); }).length % 2 === 1;
  };
  function servedRings(collection) {
    var found = [];
    collection.features.forEach(function (f) {
      if (f.properties.level !== "served") { return; }
      var g = f.geometry;
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      polygons.forEach(function (polygon) { found = found.concat(polygon); });
    });
    return found.length ? found : null;
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
      rings = servedRings(collection);
      el.setAttribute("data-outline", "true");
    })
    .catch(function () { el.setAttribute("data-outline", "error"); });
  return map;
};
