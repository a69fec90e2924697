// The PDF job's page of the yearly report: polls the job's JSON status and updates the status
// sentence (an aria-live region) and the progress bar; when the PDF is ready, shows its link.
// Without JavaScript the page's "Uppdatera" link does the same by hand.
(function () {
  "use strict";

  var DELAY = 1000;
  var MAX_DELAY = 10000;

  function start(root) {
    var url = root.getAttribute("data-status-url");
    var failures = 0;
    var status = document.getElementById("pdf-status");
    var bar = document.getElementById("pdf-progress");

    function show(data) {
      if (status && typeof data.text === "string" && status.textContent !== data.text) {
        status.textContent = data.text;
      }
      if (bar && typeof data.percent === "number") {
        bar.value = data.percent;
        bar.textContent = data.percent + " %";
      }
      if (!data.finished) { return false; }
      var result = document.getElementById("pdf-result");
      if (result && typeof data.html === "string") { result.innerHTML = data.html; }
      var refresh = document.getElementById("pdf-refresh");
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
    var root = document.getElementById("pdf-job");
    if (root && root.getAttribute("data-finished") !== "true" && window.fetch) { start(root); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
