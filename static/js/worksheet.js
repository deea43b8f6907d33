// Worksheet autosave (progressive enhancement: without JavaScript the Save button works).
// Text is also kept in this browser until the server confirms it, so nothing is lost when the
// connection drops or the login has expired; it is put back and saved when the page opens again.
(function () {
  "use strict";
  var lang = document.documentElement.lang === "en" ? "en" : "nb";
  var T = {
    nb: { saving: "Lagrer …", saved: "Lagret kl. ", offline: "Ikke lagret ennå – teksten er tatt vare på i denne nettleseren. Logg inn igjen om du er logget ut.", restored: "Vi fant tekst som ikke ble lagret sist, og har satt den inn igjen." },
    en: { saving: "Saving …", saved: "Saved at ", offline: "Not saved yet – your text is kept in this browser. Log in again if you were logged out.", restored: "We found text that was not saved last time and put it back." }
  }[lang];

  function draftGet(key) { try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; } }
  function draftPut(key, form) {
    var entries = [];
    new FormData(form).forEach(function (v, k) { if (k !== "csrf_token") { entries.push([k, v]); } });
    try { localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), entries: entries })); } catch (e) { /* storage full or off */ }
  }
  function draftDrop(key) { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  function restore(form, draft) {
    var byName = {};
    draft.entries.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in byName)) { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = byName[el.name].indexOf(el.value) !== -1; }
      else { el.value = byName[el.name][0]; }
    });
  }

  function setup(form) {
    var key = form.getAttribute("data-draft-key");
    var status = form.querySelector(".save-status");
    var timer = null;
    var draft = draftGet(key);
    var savedAt = form.getAttribute("data-saved-at");
    if (draft && (!savedAt || draft.at > savedAt)) {
      restore(form, draft);
      status.textContent = T.restored;
      schedule(10);
    }

    function save() {
      status.textContent = T.saving;
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                           headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          if (!data.saved) { throw new Error("not saved"); }
          draftDrop(key);
          status.textContent = T.saved + data.saved_at;
        })
        .catch(function () { draftPut(key, form); status.textContent = T.offline; });
    }
    function schedule(ms) { clearTimeout(timer); timer = setTimeout(save, ms); }
    form.addEventListener("input", function () { draftPut(key, form); schedule(1500); });
    form.addEventListener("change", function () { draftPut(key, form); schedule(500); });
    window.addEventListener("pagehide", function () { if (timer) { clearTimeout(timer); draftPut(key, form); } });
  }

  document.querySelectorAll("form[data-autosave]").forEach(setup);
})();
