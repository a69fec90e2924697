// Error summary (GOV.UK / DIGG pattern): on a page that shows one, move focus to it so screen
// readers announce it and keyboard users start there; its links move focus to the field.
(function () {
  "use strict";
  function focusField(id) {
    var target = document.getElementById(id);
    if (!target) { return false; }
    var focusable = target.matches("input, select, textarea, button, a[href]") ? target
      : target.querySelector("input, select, textarea, button, a[href]");
    var label = document.querySelector('label[for="' + id + '"]') || target.closest("fieldset");
    (label || target).scrollIntoView({ block: "start" });
    (focusable || target).focus({ preventScroll: true });
    return true;
  }
  document.addEventListener("click", function (event) {   // a print button without inline script
    if (event.target.closest("[data-print]")) { window.print(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && focusField(decodeURIComponent(link.getAttribute("href").slice(1)))) {
        event.preventDefault();
      }
    });
  });
})();
