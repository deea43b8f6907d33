// Feedback drafts save themselves while the guide writes (the "Lagre utkast" button works without JS).
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-url]");
  if (!form) { return; }
  var status = form.querySelector(".save-status");
  var en = document.documentElement.lang === "en";
  var timer = null;
  function save() {
    var data = new FormData(form);
    data.set("do", "draft");
    fetch(form.getAttribute("data-draft-url"), { method: "POST", body: data, credentials: "same-origin",
                                                 headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (d) { status.textContent = (en ? "Draft saved at " : "Utkast lagret kl. ") + d.saved_at; })
      .catch(function () { status.textContent = en ? "Draft not saved – check your connection." : "Utkastet er ikke lagret – sjekk nettet."; });
  }
  form.querySelector("textarea[name=body]").addEventListener("input", function () {
    clearTimeout(timer); timer = setTimeout(save, 1500);
  });
})();
