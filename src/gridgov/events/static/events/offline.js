/* A grid worker's report written without a signal is kept on the device, photos included,
 * and sent when the signal returns; the key written with it makes the server file it once,
 * however often it is sent (a lost answer means sending again).
 *
 * The outbox is an IndexedDB store, because a photo (a File) can be kept there as it is;
 * reports kept by the earlier localStorage outbox are moved into it once.
 *
 * Loaded on every signed-in page, so a kept report leaves on whichever page is open when the
 * signal comes back. Data attributes of the script tag give the report page's address. */
(function () {
  "use strict";
  var DB = "gridgov";
  var STORE = "outbox";
  var OLD_STORE = "gridgov.outbox";
  var script = document.currentScript;
  var reportUrl = script && script.dataset.reportUrl;
  if (!reportUrl || !window.indexedDB) { return; }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  var opened = null;
  function database() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB, 1);
        request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opened;
  }
  // One request on the store; resolves with its result once the transaction has committed.
  function onStore(mode, call) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = call(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(request.result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function kept() {
    return onStore("readonly", function (s) { return s.getAll(); }).then(function (all) {
      return all.sort(function (a, b) { return a.at - b.at; });
    });
  }
  function keep(report) { return onStore("readwrite", function (s) { return s.put(report); }); }
  function drop(key) { return onStore("readwrite", function (s) { return s.delete(key); }); }

  function moveOldOutbox() {
    var old;
    try { old = JSON.parse(localStorage.getItem(OLD_STORE) || "[]"); } catch (e) { old = []; }
    return Promise.all(old.map(function (report, i) {
      return keep({ key: report.key, at: i, fields: report.fields, photos: [] });
    })).then(function () { localStorage.removeItem(OLD_STORE); });
  }

  var form = document.getElementById("report-form");
  var note = document.getElementById("offline-note");
  function show() {
    if (!note) { return Promise.resolve(); }
    return kept().then(function (reports) {
      note.querySelector("[data-offline-count]").textContent = String(reports.length);
      note.querySelector("[data-offline-waiting]").hidden = reports.length === 0;
      note.hidden = reports.length === 0 && note.querySelector("[data-offline-saved]").hidden;
    });
  }

  if (form && form.elements.idempotency_key) {
    if (!form.elements.idempotency_key.value) { form.elements.idempotency_key.value = newKey(); }
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      var fields = [];
      var photos = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string") {
          if (name !== "csrfmiddlewaretoken") { fields.push([name, value]); }
        } else if (value.size > 0) {
          photos.push([name, value, value.name]);
        }
      });
      keep({ key: form.elements.idempotency_key.value, at: Date.now(), fields: fields, photos: photos })
        .then(function () {
          Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
            input.value = "";
          });
          form.elements.idempotency_key.value = newKey();
          note.querySelector("[data-offline-saved]").hidden = false;
          return show();
        });
    });
  }

  var sending = false;
  function sendKept() {
    if (sending || !navigator.onLine) { return; }
    sending = true;
    kept().then(function (reports) {
      if (reports.length === 0) { sending = false; return; }
      var report = reports[0];
      var body = new FormData();
      report.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
      report.photos.forEach(function (photo) { body.append(photo[0], photo[1], photo[2]); });
      return fetch(reportUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() }
      }).then(function (answer) {
        // Filed (now or before): the answer is the event's page, reached by a redirect.
        var path = new URL(answer.url).pathname;
        if (answer.ok && answer.redirected && path !== reportUrl && path.indexOf("/events/") === 0) {
          return drop(report.key).then(function () {
            sending = false;
            return show().then(sendKept);
          });
        }
        sending = false;
        document.documentElement.setAttribute("data-outbox-refused", String(answer.status));
      });
    }).catch(function () { sending = false; });
  }

  window.addEventListener("online", sendKept);
  moveOldOutbox().then(show).then(sendKept);
})();
