/* The events on the staff map: the open events under the shown area (or those in the chosen
 * state and category) as pins coloured by state, red when overdue, clustered when dense
 * (leaflet.markercluster; plain pins where it is not installed), and an optional heat layer of
 * the reports over a chosen period (leaflet.heat). Every word in a popup is set as text. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var form = document.getElementById("map-filters");
  var map = window.gridgovMap;
  if (!el || !form || !map) {
    return;
  }
  var data = el.dataset;
  var count = document.getElementById("map-events-count");
  var problem = document.getElementById("map-filter-error");
  var clustered = typeof L.markerClusterGroup === "function";
  var heatAvailable = typeof L.heatLayer === "function";
  var heat = null;
  var loading = 0;

  function overdueIn(cluster) {
    return cluster.getAllChildMarkers().some(function (m) {
      return m.options.overdue;
    });
  }

  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
    var inner = document.createElement("div");
    inner.appendChild(document.createElement("span")).textContent = String(n);
    return L.divIcon({
      html: inner,
      className: "marker-cluster marker-cluster-" + size + (overdueIn(cluster) ? " has-overdue" : ""),
      iconSize: L.point(40, 40),
    });
  }

  var events = clustered
    ? L.markerClusterGroup({
        chunkedLoading: true,
        showCoverageOnHover: false,
        maxClusterRadius: 50,
        iconCreateFunction: clusterIcon,
      })
    : L.layerGroup();
  events.addTo(map);

  function add(parent, tag, text) {
    var child = parent.appendChild(document.createElement(tag));
    if (text) {
      child.textContent = text;
    }
    return child;
  }

  function popup(p) {
    var box = document.createElement("div");
    box.className = "event-popup";
    var link = add(box, "a", p.number);
    link.href = data.eventUrl.replace(data.codeSlot, encodeURIComponent(p.number));
    add(box, "div", p.category);
    var state = add(box, "div", p.state);
    if (p.overdue) {
      add(state, "strong", " · " + data.overdue).className = "overdue";
    }
    return box;
  }

  // One icon per state and flag, shared by its pins, instead of one object per pin.
  var icons = {};

  function iconFor(status, overdue) {
    var key = status + (overdue ? "!" : "");
    if (!icons[key]) {
      icons[key] = L.divIcon({
        className: "event-pin state-" + status + (overdue ? " is-overdue" : ""),
        iconSize: [14, 14],
      });
    }
    return icons[key];
  }

  // A row of the answer: [lon, lat, number, state, category index, overdue 0/1].
  function pin(row, answer) {
    var p = {
      number: row[2],
      status: row[3],
      state: answer.states[row[3]] || row[3],
      category: answer.categories[row[4]] || "",
      overdue: row[5] === 1,
    };
    var marker = L.marker([row[1], row[0]], {
      icon: iconFor(p.status, p.overdue),
      overdue: p.overdue,
      title: p.number + " " + p.category,
    });
    marker.bindPopup(function () {
      return popup(p);
    });
    return marker;
  }

  function params(names) {
    var query = new URLSearchParams({ node: data.node });
    names.forEach(function (name) {
      var value = form.elements[name].value;
      if (value) {
        query.set(name, value);
      }
    });
    return query;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            var messages = Object.values(body.errors || {}).flat();
            throw new Error(messages.join(" ") || "HTTP " + response.status);
          }
          return body;
        });
      }
    );
  }

  function refuse(error) {
    problem.textContent = error.message;
    problem.hidden = false;
  }

  // How long the markers took, for the browser test to report: from the request, and from
  // the answer's arrival (the drawing alone).
  function done(started, n, arrived) {
    var now = performance.now();
    el.setAttribute("data-events", String(n));
    el.setAttribute("data-events-ms", String(Math.round(now - started)));
    el.setAttribute("data-events-draw-ms", String(Math.round(now - arrived)));
    el.setAttribute("data-events-loaded", "true");
    count.textContent = count.dataset.label + " " + n;
  }

  function loadEvents() {
    var started = performance.now();
    var ticket = ++loading;
    el.setAttribute("data-events-loaded", "false");
    problem.hidden = true;
    getJSON(data.eventsUrl + "?" + params(["status", "category"]))
      .then(function (answer) {
        if (ticket !== loading) {
          return;
        }
        var arrived = performance.now();
        events.clearLayers();
        var markers = answer.events.map(function (row) {
          return pin(row, answer);
        });
        if (!clustered) {
          markers.forEach(function (m) {
            events.addLayer(m);
          });
          done(started, markers.length, arrived);
          return;
        }
        events.options.chunkProgress = function (processed, total) {
          if (processed === total && ticket === loading) {
            done(started, total, arrived);
          }
        };
        events.addLayers(markers);
        if (!markers.length) {
          done(started, 0, arrived);
        }
      })
      .catch(refuse);
  }

  function loadHeat() {
    if (heat) {
      map.removeLayer(heat);
      heat = null;
    }
    el.removeAttribute("data-heat-points");
    if (!form.elements.heat.checked || !heatAvailable) {
      return;
    }
    problem.hidden = true;
    getJSON(data.heatUrl + "?" + params(["category", "since", "until"]))
      .then(function (body) {
        if (heat) {
          map.removeLayer(heat);
        }
        heat = L.heatLayer(body.points, { radius: 18, blur: 14, minOpacity: 0.25 }).addTo(map);
        el.setAttribute("data-heat-points", String(body.points.length));
      })
      .catch(refuse);
  }

  if (!heatAvailable) {
    form.querySelector(".map-heat").hidden = true;
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
  });
  form.addEventListener("change", function (e) {
    var name = e.target.name;
    if (name === "status" || name === "category") {
      loadEvents();
    }
    if (name !== "status") {
      loadHeat();
    }
  });
  loadEvents();
})();
