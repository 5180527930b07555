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

  // What a phone (as narrow as portal.css's phone layout) shows differently.
  const PHONE = window.matchMedia("(max-width: 760px)");

  // <details data-collapse-on-phone open>: folded on a phone, so what it holds (the search
  // filters) does not push the results down a screen; kept open when it shows an error.
  if (PHONE.matches) {
    for (const box of document.querySelectorAll("details[data-collapse-on-phone]")) {
      if (!box.querySelector(".errorlist, .form-errors")) {
        box.open = false;
      }
    }
  }

  // A room's week: [data-day-tabs] buttons choose the day a phone shows (one at a time;
  // wider screens show every day and no buttons). Without this file every day shows.
  function showDay(tabs, chosen) {
    for (const button of tabs.querySelectorAll("button[aria-controls]")) {
      const on = button === chosen;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      const day = document.getElementById(button.getAttribute("aria-controls"));
      if (day) {
        day.classList.toggle("day-current", on);
      }
    }
  }
  function setUpWeeks() {
    for (const tabs of document.querySelectorAll("[data-day-tabs]")) {
      tabs.hidden = false;
      const grid = tabs.parentNode.querySelector("[data-week]");
      if (grid) {
        grid.setAttribute("data-tabbed", "");
      }
      const chosen = tabs.querySelector('[aria-pressed="true"]') || tabs.querySelector("button");
      if (chosen) {
        showDay(tabs, chosen); // again after htmx swaps a day or a week in
      }
    }
  }
  setUpWeeks();
  document.addEventListener("htmx:afterSettle", setUpWeeks);
  document.addEventListener("click", function (event) {
    const button = event.target instanceof Element ? event.target.closest("[data-day-tabs] button") : null;
    if (button) {
      showDay(button.closest("[data-day-tabs]"), button);
    }
  });

  // A day's free slots ([data-roving]) are one Tab stop: arrow keys move between them (up
  // and down within the day, left and right to the nearest time of the next day with free
  // slots), Home and End to the day's first and last.
  function slotTime(link) {
    return link.textContent.trim().slice(0, 5);
  }
  function otherDay(list, step) {
    const lists = Array.from(document.querySelectorAll("[data-roving]")).filter(function (other) {
      return other.querySelector("a");
    });
    return lists[lists.indexOf(list) + step] || null;
  }
  document.addEventListener("keydown", function (event) {
    const link = event.target;
    if (!(link instanceof HTMLAnchorElement) || !link.closest("[data-roving]")) {
      return;
    }
    const list = link.closest("[data-roving]");
    const links = Array.from(list.querySelectorAll("a"));
    const here = links.indexOf(link);
    let next;
    if (event.key === "ArrowDown") {
      next = links[here + 1];
    } else if (event.key === "ArrowUp") {
      next = links[here - 1];
    } else if (event.key === "Home") {
      next = links[0];
    } else if (event.key === "End") {
      next = links[links.length - 1];
    } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      const day = otherDay(list, event.key === "ArrowRight" ? 1 : -1);
      const there = day ? Array.from(day.querySelectorAll("a")) : [];
      next = there.find(function (other) {
        return slotTime(other) >= slotTime(link);
      }) || there[there.length - 1];
    } else {
      return;
    }
    event.preventDefault();
    if (next) {
      for (const other of document.querySelectorAll("[data-roving] a")) {
        if (other.closest("[data-roving]") === next.closest("[data-roving]")) {
          other.tabIndex = -1;
        }
      }
      link.tabIndex = link.closest("[data-roving]") === next.closest("[data-roving]") ? -1 : 0;
      next.tabIndex = 0;
      next.focus();
    }
  });
})();
