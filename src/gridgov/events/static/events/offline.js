/* A grid worker's report written without a signal is kept on the device (localStorage) and
 * sent when the signal returns; the key written with it makes the server file it once, however
 * often it is sent (a lost answer means sending again). Photos are not kept: a file cannot be
 * stored in localStorage, so a report kept offline goes without them.
 *
 * Loaded on every signed-in page, so a kept report leaves on whichever page is open when the
 * signal comes back. Data attributes of the script tag give the report page's address. */
(function () {
  "use strict";
  var STORE = "gridgov.outbox";
  var script = document.currentScript;
  var reportUrl = script && script.dataset.reportUrl;
  if (!reportUrl || !window.localStorage) { return; }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function kept() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function keep(reports) { localStorage.setItem(STORE, JSON.stringify(reports)); }
  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  var form = document.getElementById("report-form");
  var note = document.getElementById("offline-note");
  function show() {
    if (!note) { return; }
    var count = kept().length;
    note.querySelector("[data-offline-count]").textContent = String(count);
    note.querySelector("[data-offline-waiting]").hidden = count === 0;
    note.hidden = count === 0 && note.querySelector("[data-offline-saved]").hidden;
  }

  if (form && form.elements.idempotency_key) {
    if (!form.elements.idempotency_key.value) { form.elements.idempotency_key.value = newKey(); }
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string" && name !== "csrfmiddlewaretoken") { fields.push([name, value]); }
      });
      var reports = kept();
      reports.push({ key: form.elements.idempotency_key.value, fields: fields });
      keep(reports);
      form.elements.idempotency_key.value = newKey();
      note.querySelector("[data-offline-saved]").hidden = false;
      show();
    });
  }

  var sending = false;
  function sendKept() {
    var reports = kept();
    if (sending || !navigator.onLine || reports.length === 0) { return; }
    sending = true;
    var report = reports[0];
    var body = new FormData();
    report.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    fetch(reportUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (answer) {
      // Filed (now or before): the answer is the event's page, reached by a redirect.
      var path = new URL(answer.url).pathname;
      if (answer.ok && answer.redirected && path !== reportUrl && path.indexOf("/events/") === 0) {
        keep(kept().filter(function (r) { return r.key !== report.key; }));
        sending = false;
        show();
        sendKept();
      } else {
        sending = false;
        document.documentElement.setAttribute("data-outbox-refused", String(answer.status));
      }
    }).catch(function () { sending = false; });
  }

  window.addEventListener("online", sendKept);
  show();
  sendKept();
})();
