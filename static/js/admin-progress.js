/* Staff panel: a running sync's progress (items done / total), asked again every few
   seconds while it runs. A file because the Content-Security-Policy (script-src 'self')
   runs no inline script. The answer is JSON counts and words, set as text only. */
(function () {
  "use strict";

  var EVERY_MS = 3000;

  function poll(box) {
    if (box.dataset.running !== "true") {
      return;
    }
    window.setTimeout(function () {
      fetch(box.dataset.progressUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (!answer) {
            return; // signed out or gone: stop asking
          }
          var meter = box.querySelector("progress");
          var text = box.querySelector(".sync-progress-text");
          if (meter) {
            meter.max = answer.total || 1;
            meter.value = answer.total ? answer.done : 0;
          }
          if (text) {
            text.textContent = answer.text;
          }
          box.dataset.running = answer.running ? "true" : "false";
          poll(box);
        })
        .catch(function () {
          /* a network blip: the next page load shows the state */
        });
    }, EVERY_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".sync-progress[data-progress-url]").forEach(poll);
  });
})();
