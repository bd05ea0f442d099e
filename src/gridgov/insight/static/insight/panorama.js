/* The panorama: the node's children on the map coloured by the chosen measure (tones from
 * /api/v1/insight/panorama, the same as the table's), a heat layer of the month's events, the
 * month slider, the table's sorting and the trend chart (ECharts). Names are set as text,
 * never as HTML. */
(function () {
  "use strict";
  var TONES = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"];
  var NONE = "#e5e7eb";

  // Month slider: moving it names the month; letting go shows it.
  var slider = document.getElementById("panorama-slider");
  var monthInput = document.getElementById("panorama-month");
  var monthLabel = document.getElementById("panorama-month-label");
  var form = document.getElementById("panorama-form");
  if (slider) {
    var months = slider.dataset.months.split(",");
    slider.addEventListener("input", function () {
      monthLabel.textContent = months[Number(slider.value)];
      monthInput.value = months[Number(slider.value)];
    });
    slider.addEventListener("change", function () { form.submit(); });
  }
  var measureSelect = document.getElementById("panorama-measure");
  if (measureSelect) {
    measureSelect.addEventListener("change", function () { form.submit(); });
  }

  // Sortable table: by name or by value, each click turning the order round.
  var table = document.getElementById("panorama-table");
  if (table) {
    var order = {};
    table.querySelectorAll("button[data-sort]").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.sort;
        order[key] = -(order[key] || -1);
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.dataset.name; });
        rows.sort(function (a, b) {
          if (key === "name") {
            return order[key] * a.dataset.name.localeCompare(b.dataset.name, "zh");
          }
          var x = a.dataset.value === "" ? null : Number(a.dataset.value);
          var y = b.dataset.value === "" ? null : Number(b.dataset.value);
          if (x === null) { return 1; }
          if (y === null) { return -1; }
          return order[key] * (x - y);
        });
        rows.forEach(function (r) { body.appendChild(r); });
        table.dataset.sorted = key + (order[key] > 0 ? ":up" : ":down");
      });
    });
  }

  // Trend charts: the monthly trend, and an index's daily line where the page has one.
  ["panorama-chart", "panorama-daily"].forEach(function (id) {
    var chartEl = document.getElementById(id);
    if (!chartEl || !window.echarts || !chartEl.dataset.months) {
      return;
    }
    var chart = window.echarts.init(chartEl);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      xAxis: { type: "category", data: chartEl.dataset.months.split(",") },
      yAxis: { type: "value", scale: true },
      series: [{
        name: chartEl.dataset.label,
        type: "line",
        connectNulls: false,
        data: chartEl.dataset.values.split(",").map(function (v) { return v === "" ? null : Number(v); }),
      }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });

  // Map.
  var el = document.getElementById("panorama-map");
  if (!el || typeof L === "undefined") {
    return;
  }
  var data = el.dataset;
  var map = L.map(el, { attributionControl: Boolean(data.tileUrl), zoomSnap: 0.25 });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  window.gridgovPanorama = map;
  var tones = {};
  var values = {};
  var geo = L.geoJSON(null, {
    style: function (feature) {
      var tone = tones[feature.properties.code];
      var fill = tone === null || tone === undefined ? NONE : TONES[tone];
      return { color: "#334155", weight: 1.5, fillColor: fill, fillOpacity: 0.7 };
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      var value = values[p.code];
      var text = p.name + (value === null || value === undefined ? " —" : " " + value);
      layer.bindTooltip(document.createTextNode(text), { sticky: true });
      layer.on("add", function () {
        var path = layer.getElement();
        path.setAttribute("data-code", p.code);
        path.setAttribute("aria-label", p.name);
        path.setAttribute("data-tone", tones[p.code] === undefined ? "" : String(tones[p.code]));
      });
      layer.on("click", function () {
        var query = "?measure=" + encodeURIComponent(data.measure) + "&month=" + encodeURIComponent(data.month);
        window.location.assign(data.areaUrl.replace(data.codeSlot, encodeURIComponent(p.code)) + query);
      });
    },
  }).addTo(map);

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    });
  }

  var panoramaUrl = data.apiUrl + "?code=" + encodeURIComponent(data.node) +
    "&measure=" + encodeURIComponent(data.measure) + "&month=" + encodeURIComponent(data.month + "-01");
  Promise.all([getJSON(panoramaUrl), getJSON(data.geojsonUrl)]).then(function (answers) {
    answers[0].areas.forEach(function (a) {
      tones[a.code] = a.tone;
      values[a.code] = a.value === null ? null : Math.round(a.value * 100) / 100;
    });
    geo.addData(answers[1]);
    var bounds = geo.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds); }
    el.dataset.ready = "1";
  }).catch(function () {
    el.dataset.ready = "error";
  });

  // Heat layer of the month's events.
  var heatBox = document.getElementById("panorama-heat");
  var category = document.getElementById("panorama-category");
  var heat = null;
  function drawHeat() {
    if (heat) { map.removeLayer(heat); heat = null; }
    if (!heatBox.checked || typeof L.heatLayer === "undefined") { return; }
    var url = data.heatUrl + "?node=" + encodeURIComponent(data.node) +
      "&since=" + document.getElementById("panorama-since").value +
      "&until=" + document.getElementById("panorama-until").value +
      "&category=" + encodeURIComponent(category.value);
    getJSON(url).then(function (answer) {
      heat = L.heatLayer(answer.points, { radius: 18 }).addTo(map);
    });
  }
  if (heatBox) {
    heatBox.addEventListener("change", drawHeat);
    category.addEventListener("change", drawHeat);
  }

  // Heat layer of the registry's residents, per grid as the hourly job counted them.
  var peopleBox = document.getElementById("panorama-people");
  var people = null;
  function drawPeople() {
    if (people) { map.removeLayer(people); people = null; }
    if (!peopleBox.checked || typeof L.heatLayer === "undefined") { return; }
    getJSON(data.peopleUrl + "?node=" + encodeURIComponent(data.node)).then(function (answer) {
      people = L.heatLayer(answer.points, { radius: 30, max: answer.max || 1 }).addTo(map);
      el.dataset.people = String(answer.points.length);
    });
  }
  if (peopleBox) {
    peopleBox.addEventListener("change", drawPeople);
  }
})();
