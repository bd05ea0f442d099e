/* The grid map: a node's children as GeoJSON on Leaflet, with or without a tile layer, each
 * labelled with its name so that the map reads without tiles. Clicking an area opens that area's
 * map; clicking a grid loads its card into #grid-card. map_events.js draws the events on
 * window.gridgovMap. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") {
    return;
  }
  var data = el.dataset;
  var slot = data.codeSlot;
  var gridLevel = data.gridLevel;
  // maxZoom as the tiles have it, tiles or not: clustering builds one level per zoom up to it.
  var map = L.map(el, { attributionControl: Boolean(data.tileUrl), zoomSnap: 0.25, maxZoom: 19 });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 19 }).addTo(map);
  } else {
    el.classList.add("no-tiles");
  }

  window.gridgovMap = map;
  // Names above the areas, below the events; they never catch a click meant for an area.
  map.createPane("labels").style.zIndex = 450;
  var labels = L.layerGroup().addTo(map);

  var COLOURS = { comprehensive: "#2563eb", dedicated: "#d97706" };
  var selectedLayer = null;

  function isGrid(props) {
    return props.level === gridLevel;
  }

  function baseStyle(feature) {
    var p = feature.properties;
    var colour = isGrid(p) ? COLOURS[p.kind] || COLOURS.comprehensive : "#0f766e";
    return { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.15 };
  }

  function select(layer) {
    if (selectedLayer) {
      geo.resetStyle(selectedLayer);
    }
    selectedLayer = layer;
    layer.setStyle({ weight: 4, fillOpacity: 0.35 });
    layer.bringToFront();
  }

  function open(layer) {
    var p = layer.feature.properties;
    if (isGrid(p)) {
      select(layer);
      htmx
        .ajax("GET", data.cardUrl.replace(slot, encodeURIComponent(p.code)), {
          target: "#grid-card",
          swap: "innerHTML",
        })
        .then(function () {
          // On a phone the card sits below the map, out of sight.
          if (window.matchMedia("(max-width: 56rem)").matches) {
            document.getElementById("grid-card").scrollIntoView({ behavior: "smooth" });
          }
        });
    } else {
      window.location.assign(data.mapUrl.replace(slot, encodeURIComponent(p.code)));
    }
  }

  var geo = L.geoJSON(null, {
    style: baseStyle,
    onEachFeature: function (feature, layer) {
      // A text node, not the string: Leaflet renders a string as HTML, and names come from
      // imported files.
      layer.bindTooltip(document.createTextNode(feature.properties.name), { sticky: true });
      // Paths exist only once the map has a view; name them then, for tests and screen readers.
      layer.on("add", function () {
        var path = layer.getElement();
        path.setAttribute("data-code", feature.properties.code);
        path.setAttribute("aria-label", feature.properties.name);
        if (feature.properties.code === data.selected) {
          select(layer);
        }
      });
      layer.on("click", function () {
        open(layer);
      });
    },
  }).addTo(map);

  function label(layer) {
    var name = document.createElement("span");
    // Text, never markup: names come from imported files.
    name.textContent = layer.feature.properties.name;
    var icon = L.divIcon({ className: "area-label", html: name, iconSize: null });
    L.marker(layer.getCenter(), { icon: icon, pane: "labels", interactive: false, keyboard: false }).addTo(labels);
  }

  function showError() {
    document.getElementById("map-error").hidden = false;
  }

  fetch(data.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (collection) {
      geo.addData(collection);
      var bounds = geo.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [12, 12] });
      } else {
        map.fitWorld();
      }
      geo.eachLayer(label);
      el.setAttribute("data-loaded", "true");
    })
    .catch(function () {
      map.fitWorld();
      showError();
      el.setAttribute("data-loaded", "error");
    });
})();
