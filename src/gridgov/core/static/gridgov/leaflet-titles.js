/* Leaflet titles its zoom buttons in English; every map takes the page's words instead,
 * given as data attributes of this script's tag so they are text, never markup. */
(function () {
  "use strict";
  var words = document.currentScript.dataset;
  L.Control.Zoom.mergeOptions({ zoomInTitle: words.zoomIn, zoomOutTitle: words.zoomOut });
})();
