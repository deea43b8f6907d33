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

  // A draft remembers the server's version it was typed on top of (`base`: the answer's
  // updated_at, sent with the page as data-saved-at and with every save). It is put back only
  // while the server still has that version: once anything newer was saved (on another device,
  // say), the draft is stale and dropped, so old text never overwrites newer text.
  function draftGet(key) { try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; } }
  function draftPut(key, form, base) {
    var entries = [];
    new FormData(form).forEach(function (v, k) { if (k !== "csrf_token") { entries.push([k, v]); } });
    try { localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), base: base, entries: entries })); } catch (e) { /* storage full or off */ }
  }
  function draftDrop(key) { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }
  function usable(draft, version) {
    if (!draft || !draft.entries) { return false; }
    // Drafts from before `base` existed: only where the server has nothing saved yet.
    return typeof draft.base === "string" ? draft.base === version : !version;
  }

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
    var timer = null;      // a save waiting to run
    var edits = 0;         // changes made on this page, to know whether a save covered them all
    var unsaved = false;   // typed text the server has not confirmed
    var version = form.getAttribute("data-saved-at") || "";
    var draft = draftGet(key);
    if (usable(draft, version)) {
      restore(form, draft);
      status.textContent = T.restored;
      unsaved = true;
      schedule(10);
    } else if (draft) {
      draftDrop(key);
    }

    function save() {
      timer = null;
      var sent = edits;
      status.textContent = T.saving;
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                           headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          if (!data.saved) { throw new Error("not saved"); }
          if (data.version) { version = data.version; }
          if (edits === sent) { unsaved = false; draftDrop(key); }
          else { draftPut(key, form, version); }  // typed on while it was saving: that text is not saved yet
          status.textContent = T.saved + data.saved_at;
        })
        .catch(function () { draftPut(key, form, version); status.textContent = T.offline; });
    }
    function schedule(ms) { clearTimeout(timer); timer = setTimeout(save, ms); }
    function edited(ms) { edits += 1; unsaved = true; draftPut(key, form, version); schedule(ms); }
    form.addEventListener("input", function () { edited(1500); });
    form.addEventListener("change", function () { edited(500); });
    window.addEventListener("pagehide", function () {
      if (timer) { clearTimeout(timer); timer = null; }
      if (unsaved) { draftPut(key, form, version); }
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(setup);
})();
