/* Coworking Portal: the few page behaviours, as a file because the Content-Security-Policy
   (script-src 'self') runs no inline script or event-handler attribute. Plain JavaScript, no
   build step. Each behaviour listens on the document, so content htmx swaps in later has it
   too; markup opts in with a data- attribute. */
(function () {
  "use strict";

  // <form data-confirm="Question?">: submitted only once the member says OK.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <input data-select-on-click>: one click selects the whole value, ready to copy.
  document.addEventListener("click", function (event) {
    const field = event.target;
    if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-click")) {
      field.select();
    }
  });
})();
