// Feedback drafts save themselves while the guide writes (the "Lagre utkast" button works without JS).
// "Minutter brukt" follows the time this page is visible, until the guide types their own number.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-url]");
  if (!form) { return; }
  var status = form.querySelector(".save-status");
  var minutes = form.querySelector("input[name=minutes]");
  var en = document.documentElement.lang === "en";
  var timer = null;
  var typedMinutes = false;
  var base = minutes ? parseInt(minutes.value, 10) || 0 : 0;
  var visibleSeconds = 0;
  function showMinutes(value) {
    if (minutes && !typedMinutes) { minutes.value = String(Math.max(1, Math.min(60, value))); }
  }
  if (minutes) {
    minutes.addEventListener("input", function () { typedMinutes = true; });
    setInterval(function () {
      if (document.visibilityState !== "visible") { return; }
      visibleSeconds += 15;
      showMinutes(base + Math.round(visibleSeconds / 60));
    }, 15000);
  }
  function save() {
    timer = null;
    var data = new FormData(form);
    data.set("do", "draft");
    fetch(form.getAttribute("data-draft-url"), { method: "POST", body: data, credentials: "same-origin",
                                                 headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (d) {
        status.textContent = (en ? "Draft saved at " : "Utkast lagret kl. ") + d.saved_at;
        if (typeof d.minutes === "number") { base = d.minutes; visibleSeconds = 0; showMinutes(base); }
      })
      .catch(function () { status.textContent = en ? "Draft not saved – check your connection." : "Utkastet er ikke lagret – sjekk nettet."; });
  }
  form.querySelector("textarea[name=body]").addEventListener("input", function () {
    clearTimeout(timer); timer = setTimeout(save, 1500);
  });
})();
