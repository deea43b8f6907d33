// Progressive enhancement only: every page works without JavaScript.
// Loaded in <head> without defer: mark the page before its first paint, so the CSS can fold the
// phone menu away only when this script is there to open it again.
document.documentElement.classList.add("js");

// The menu button on phones (hidden by CSS on wide screens): opens and closes the destinations.
document.addEventListener("DOMContentLoaded", function () {
  var header = document.querySelector("[data-site-header]");
  var button = header && header.querySelector("[data-menu-button]");
  if (!button) { return; }
  function show(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { header.setAttribute("data-open", ""); } else { header.removeAttribute("data-open"); }
  }
  button.addEventListener("click", function () {
    show(button.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      show(false);
      button.focus();
    }
  });
});

document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so keyboard and screen-reader users hear what to fix.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (link && focusField(link.getAttribute("href").slice(1))) { event.preventDefault(); }
    });
  }
});

// An error-summary link goes to its field the way GOV.UK's error summary does: the browser's
// jump would put the input at the very top and hide its question. Instead the question (the
// fieldset's legend, or the input's label) is scrolled into view and the input gets focus.
function focusField(id) {
  var target = document.getElementById(id);
  if (!target) { return false; }
  var input = target.matches("input, select, textarea") ? target
    : target.querySelector("input:not([type=hidden]), select, textarea");
  if (!input) { return false; }
  var fieldset = input.closest("fieldset");
  var legend = fieldset ? fieldset.querySelector("legend") : null;
  var label = document.querySelector("label[for='" + input.id + "']");
  // A legend for a group of choices; a label for a single input (or a choice far down a long group).
  var question = legend && (input.type === "radio" || input.type === "checkbox" || !label) ? legend : label;
  (question || input).scrollIntoView();
  input.focus({ preventScroll: true });
  if (window.history && history.replaceState) { history.replaceState(null, "", "#" + id); }
  return true;
}

// Print buttons are hidden until JavaScript can make them work.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});

// Unsaved worksheet text kept in this browser ("ws-<user id>-…", see worksheet.js) is only ever
// for the person who wrote it: it is removed at logout, and when someone else logs in here.
(function () {
  "use strict";
  function dropDrafts(keepUser) {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && key.indexOf("ws-") === 0 && (!keepUser || key.indexOf("ws-" + keepUser + "-") !== 0)) {
          localStorage.removeItem(key);
        }
      }
    } catch (e) { /* storage off */ }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    if (body.hasAttribute("data-logged-out")) { dropDrafts(null); }
    var user = body.getAttribute("data-user-id");
    if (user) { dropDrafts(user); }
    document.querySelectorAll("form[data-logout]").forEach(function (form) {
      form.addEventListener("submit", function () { dropDrafts(null); });
    });
  });
})();
