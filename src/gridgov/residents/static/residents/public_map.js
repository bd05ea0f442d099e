/* The public map of recent reports; every word in a popup is set as text, never as HTML. */
(function () {
  "use strict";
  var el = document.getElementById("public-map");
  if (!el || typeof L === "undefined") { return; }
  var map = residentMap(el);
  function add(parent, tag, text) {
    var child = parent.appendChild(document.createElement(tag));
    if (text) { child.textContent = text; }
    return child;
  }
  function popup(p) {
    var box = document.createElement("div");
    add(box, "strong", p.category);
    add(box, "p", (p.state === "open" ? el.dataset.open : el.dataset.closed) + " — " + p.note);
    p.photos.forEach(function (url) {
      var img = add(box, "img");
      img.src = url;
      img.alt = "";
      img.className = "popup-photo";
    });
    return box;
  }
  fetch(el.dataset.url, { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (collection) {
      L.geoJSON(collection, {
        pointToLayer: function (f, latlng) {
          var open = f.properties.state === "open";
          return L.circleMarker(latlng, { radius: 8, color: open ? "#b91c1c" : "#15803d", fillOpacity: 0.6 });
        },
        onEachFeature: function (f, layer) {
          layer.bindPopup(popup(f.properties));
        },
      }).addTo(map);
      el.setAttribute("data-loaded", "true");
    })
    .catch(function () { el.setAttribute("data-loaded", "error"); });
})();
