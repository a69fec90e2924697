// Progress page of a background import: polls the job's JSON status every 1.5 s and updates
// the counts and the status sentence (an aria-live region that changes once per stage, not on
// every poll); when the job has finished, shows its result in place. Without JavaScript the
// page's "Uppdatera" link does the same by hand.
(function () {
  "use strict";

  var DELAY = 1500;
  var MAX_DELAY = 10000;

  function setText(id, text) {
    var element = document.getElementById(id);
    if (element && typeof text === "string" && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function start(root) {
    var url = root.getAttribute("data-status-url");
    var failures = 0;

    function show(data) {
      setText("import-status", data.text);
      setText("import-checked", data.checked_text);
      setText("import-saved", data.saved_text);
      if (!data.finished) { return false; }
      var result = document.getElementById("import-result");
      if (result && typeof data.html === "string") { result.innerHTML = data.html; }
      var refresh = document.getElementById("import-refresh");
      if (refresh) { refresh.hidden = true; }
      root.setAttribute("data-finished", "true");
      return true;
    }

    function poll() {
      window.fetch(url, {credentials: "same-origin", cache: "no-store",
                         headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          if (!show(data)) { window.setTimeout(poll, DELAY); }
        })
        .catch(function () {
          failures += 1;
          window.setTimeout(poll, Math.min(MAX_DELAY, DELAY * (failures + 1)));
        });
    }

    window.setTimeout(poll, DELAY);
  }

  function init() {
    var root = document.getElementById("import-job");
    if (root && root.getAttribute("data-finished") !== "true" && window.fetch) { start(root); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
