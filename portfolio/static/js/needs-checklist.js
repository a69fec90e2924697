// Needs analysis: the checklist of what "klar" needs ticks while the user fills in the form.
// The server renders the first state (from needs.requirements, the rules the service enforces);
// without JavaScript the page still works. Each item names its form control in
// data-needs-field, and data-needs-if-yes names a yes/no control that must be "ja" for the item
// to apply at all.
(function () {
  "use strict";

  var STATES = ["done", "missing", "not_needed"];

  function valueOf(form, name) {
    // Text, textarea, select and date inputs, and radio groups (RadioNodeList.value is the
    // checked option's value, or "" when none is checked).
    var control = form.elements.namedItem(name);
    if (!control) { return ""; }
    return String(control.value || "").trim();
  }

  function stateOf(form, item) {
    var condition = item.getAttribute("data-needs-if-yes");
    if (condition && valueOf(form, condition) !== "ja") { return "not_needed"; }
    return valueOf(form, item.getAttribute("data-needs-field")) ? "done" : "missing";
  }

  function showLabel(item, state) {
    var label = item.querySelector(".needs-checklist__label");
    if (!label) { return; }
    var wantLink = state === "missing";
    if ((label.tagName === "A") === wantLink) { return; }
    var replacement = document.createElement(wantLink ? "a" : "span");
    replacement.className = label.className;
    replacement.textContent = label.textContent;
    if (wantLink) { replacement.href = "#" + item.getAttribute("data-needs-target"); }
    label.parentNode.replaceChild(replacement, label);
  }

  function focusField(id) {
    var target = document.getElementById(id);
    if (!target) { return false; }
    var focusable = target.matches("input, select, textarea") ? target
      : target.querySelector("input, select, textarea");
    var label = document.querySelector('label[for="' + id + '"]') || target;
    label.scrollIntoView({ block: "start" });
    (focusable || target).focus({ preventScroll: true });
    return true;
  }

  function setUp(checklist) {
    var form = checklist.closest("form");
    if (!form) { return; }
    var items = Array.prototype.slice.call(checklist.querySelectorAll("[data-needs-field]"));
    var texts = {
      done: checklist.getAttribute("data-text-done"),
      missing: checklist.getAttribute("data-text-missing"),
      not_needed: checklist.getAttribute("data-text-not-needed")
    };
    var summaryTemplate = checklist.getAttribute("data-summary") || "{done} / {total}";

    function update() {
      var done = 0;
      var total = 0;
      items.forEach(function (item) {
        var state = stateOf(form, item);
        if (state !== "not_needed") { total += 1; }
        if (state === "done") { done += 1; }
        STATES.forEach(function (s) {
          item.classList.toggle("needs-checklist__item--" + s, s === state);
        });
        var stateText = item.querySelector(".needs-checklist__state");
        if (stateText && stateText.textContent !== texts[state]) { stateText.textContent = texts[state]; }
        showLabel(item, state);
      });
      var summary = summaryTemplate.replace("{done}", String(done))
        .replace("{total}", String(total));
      // Only touch the live region when its text changes, so nothing is announced twice.
      form.querySelectorAll("[data-needs-summary]").forEach(function (node) {
        if (node.textContent !== summary) { node.textContent = summary; }
      });
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    checklist.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && focusField(decodeURIComponent(link.getAttribute("href").slice(1)))) {
        event.preventDefault();
      }
    });
    update();
  }

  function init() {
    document.querySelectorAll("[data-needs-checklist]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else { init(); }
})();
