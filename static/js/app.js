// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so keyboard and screen-reader users hear what to fix.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
});
