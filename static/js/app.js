// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so keyboard and screen-reader users hear what to fix.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
});

// Print buttons are hidden until JavaScript can make them work.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
