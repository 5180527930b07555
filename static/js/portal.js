/* Coworking Portal: the few page behaviours, as a file because the Content-Security-Policy
   (script-src 'self') runs no inline script or event-handler attribute. Plain JavaScript, no
   build step. Each behaviour listens on the document, so content htmx swaps in later has it
   too; markup opts in with a data- attribute. */
(function () {
  "use strict";

  // A provider photo that does not load goes away, with the element marked
  // data-remove-if-broken around it (a gallery item), instead of a broken-image icon.
  function removeBroken(img) {
    const box = img.closest("[data-remove-if-broken]");
    if (box) {
      box.remove();
    }
  }
  document.addEventListener(
    "error",
    function (event) {
      if (event.target instanceof HTMLImageElement) {
        removeBroken(event.target);
      }
    },
    true // error events do not bubble: catch them on the way down
  );
  // photos that failed while the page was still loading, before this deferred file ran
  for (const img of document.querySelectorAll("[data-remove-if-broken] img, img[data-remove-if-broken]")) {
    if (img.complete && img.naturalWidth === 0) {
      removeBroken(img);
    }
  }

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

  // An htmx answer that fills a field's error box (templates/partials/field.html) in place:
  // the field says it is invalid, and which text describes it, as a full page render does.
  document.addEventListener("htmx:afterSettle", function () {
    for (const box of document.querySelectorAll("[data-errors-for]")) {
      const field = document.getElementById(box.dataset.errorsFor);
      if (!field) {
        continue;
      }
      const list = box.querySelector(".errorlist");
      const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && !id.endsWith("_error");
      });
      if (list) {
        field.setAttribute("aria-invalid", "true");
        if (list.id) {
          described.push(list.id);
        }
      } else {
        field.removeAttribute("aria-invalid");
      }
      if (described.length) {
        field.setAttribute("aria-describedby", described.join(" "));
      } else {
        field.removeAttribute("aria-describedby");
      }
      const wrapper = box.closest(".field");
      if (wrapper) {
        wrapper.classList.toggle("field-error", Boolean(list));
      }
    }
  });

  // An htmx answer that is not swapped (a server error, a lost connection): the part of the
  // page stays as it was, with a short note before it (the words are the page's, translated:
  // <body data-htmx-error>), never a blank or replaced page.
  function sayNotUpdated(event) {
    const target = event.detail.target || event.target;
    const words = document.body.dataset.htmxError;
    if (!(target instanceof Element) || !words || !target.parentNode) {
      return;
    }
    let note = target.previousElementSibling;
    if (!note || !note.hasAttribute("data-htmx-note")) {
      note = document.createElement("p");
      note.className = "form-errors";
      note.setAttribute("role", "alert");
      note.setAttribute("data-htmx-note", "");
      target.parentNode.insertBefore(note, target);
    }
    note.textContent = words;
  }
  document.addEventListener("htmx:responseError", sayNotUpdated);
  document.addEventListener("htmx:sendError", sayNotUpdated);
  // a later answer that is swapped takes the note away
  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail.target;
    const note = target instanceof Element ? target.previousElementSibling : null;
    if (note && note.hasAttribute("data-htmx-note")) {
      note.remove();
    }
  });
})();
