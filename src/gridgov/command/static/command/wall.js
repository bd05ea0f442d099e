/* The wall display polls its figures every few seconds and redraws them; every value goes in
 * with textContent, never as markup. */
(function () {
  "use strict";
  var root = document.getElementById("wall");
  if (!root) {
    return;
  }
  var REFRESH_MS = 3000;
  var data = root.dataset;
  var map = null;
  var markers = null;
  if (typeof L !== "undefined") {
    var b = data.bounds.split(",").map(Number);
    map = L.map("wall-map", { attributionControl: Boolean(data.tileUrl), zoomControl: false });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 19 }).addTo(map);
    }
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    markers = L.layerGroup().addTo(map);
  }

  function text(id, value) {
    document.getElementById(id).textContent = String(value);
  }

  function fill(id, rows, render) {
    var list = document.getElementById(id);
    list.replaceChildren();
    if (!rows.length) {
      var none = document.createElement("li");
      none.textContent = data.labelNone;
      list.appendChild(none);
    }
    rows.forEach(function (row) {
      var li = document.createElement("li");
      render(li, row);
      list.appendChild(li);
    });
  }

  function draw(d) {
    text("fig-intake", d.intake_today);
    text("fig-closed", d.closed_today);
    text("fig-open", d.open);
    text("fig-overdue", d.overdue);
    text("fig-escalations", d.escalations_today);
    text("wall-updated", new Date(d.now).toLocaleTimeString());
    var emergency = document.getElementById("wall-emergency");
    emergency.hidden = !d.emergency;
    if (d.emergency) {
      text("wall-emergency-text", d.emergency.plan + " · " + d.emergency.level + " · " + d.emergency.area);
    }
    fill("wall-duty", d.on_duty, function (li, row) {
      li.textContent = row.unit + "：" + row.people.join("、");
    });
    fill("wall-unacknowledged", d.unacknowledged, function (li, row) {
      li.textContent = row.title + " — " + data.labelMissing + " " + row.missing;
      if (row.urgent) {
        li.className = "urgent";
      }
    });
    if (markers) {
      markers.clearLayers();
      d.events.forEach(function (e) {
        L.marker([e.lat, e.lon], {
          icon: L.divIcon({ className: "wall-dot" + (e.overdue ? " is-overdue" : ""), iconSize: [14, 14] }),
          keyboard: false,
          interactive: false,
        }).addTo(markers);
      });
    }
    root.setAttribute("data-loaded", d.now);
  }

  function refresh() {
    fetch(data.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error("HTTP " + r.status);
        }
        return r.json();
      })
      .then(draw)
      .catch(function () {
        root.setAttribute("data-loaded", "error");
      })
      .finally(function () {
        window.setTimeout(refresh, REFRESH_MS);
      });
  }
  refresh();
})();
