/* The public map of recent reports, clustered where they crowd (leaflet.markercluster, plain
 * markers without it), and the same reports listed beside it, newest first; choosing one in
 * the list shows it on the map. Every word is set as text, never as HTML. */
(function () {
  "use strict";
  var el = document.getElementById("public-map");
  if (!el || typeof L === "undefined") { return; }
  var data = el.dataset;
  var map = residentMap(el);
  var list = document.getElementById("report-list");
  var reports = typeof L.markerClusterGroup === "function"
    ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 })
    : L.featureGroup();
  reports.addTo(map);
  function add(parent, tag, text) {
    var child = parent.appendChild(document.createElement(tag));
    if (text) { child.textContent = text; }
    return child;
  }
  function stateWords(p) {
    return (p.state === "open" ? data.open : data.closed) + " — " + p.note;
  }
  function statusUrl(p) {
    return data.statusUrl.replace("NUMBER", encodeURIComponent(p.number));
  }
  function popup(p) {
    var box = document.createElement("div");
    add(box, "strong", p.category);
    add(box, "p", stateWords(p));
    p.photos.forEach(function (url) {
      var img = add(box, "img");
      img.src = url;
      img.alt = "";
      img.className = "popup-photo";
    });
    add(box, "a", data.details).href = statusUrl(p);
    return box;
  }
  function show(marker) {
    if (reports.zoomToShowLayer) {
      reports.zoomToShowLayer(marker, function () { marker.openPopup(); });
    } else {
      marker.openPopup();
    }
  }
  function listItem(p, marker) {
    var item = add(list, "li");
    item.className = "report-item state-" + p.state;
    var pick = add(item, "button");
    pick.type = "button";
    add(pick, "strong", p.category);
    add(pick, "span", stateWords(p));
    add(pick, "time", p.reported.slice(0, 10)).dateTime = p.reported;
    pick.addEventListener("click", function () {
      show(marker);
      el.scrollIntoView({ behavior: "smooth", block: "nearest" });
    });
    var link = add(item, "a", p.number);
    link.href = statusUrl(p);
  }
  fetch(data.url, { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (collection) {
      var markers = collection.features.map(function (f) {
        var p = f.properties;
        var c = f.geometry.coordinates;
        var open = p.state === "open";
        var marker = L.circleMarker(L.latLng(c[1], c[0]), { radius: 8, color: open ? "#b91c1c" : "#15803d", fillOpacity: 0.6 });
        marker.bindPopup(function () { return popup(p); });
        listItem(p, marker);
        return marker;
      });
      if (reports.addLayers) { reports.addLayers(markers); } else { markers.forEach(function (m) { reports.addLayer(m); }); }
      document.getElementById("report-list-empty").hidden = markers.length > 0;
      el.setAttribute("data-reports", String(markers.length));
      el.setAttribute("data-loaded", "true");
    })
    .catch(function () { el.setAttribute("data-loaded", "error"); });
})();
