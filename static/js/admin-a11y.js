/* Staff panel: a table that scrolls sideways on a narrow screen (the sync runs of a
   provider account, Today's tables, the bookings list) can be scrolled from the keyboard:
   it becomes a named, focusable region (WCAG 2.1.1; axe: scrollable-region-focusable).
   A file because the Content-Security-Policy (script-src 'self') runs no inline script. */
(function () {
  "use strict";

  var SCROLLERS = ".inline-group, .today-scroll, #changelist .results";

  function label(box) {
    var heading = box.querySelector("h2, caption") || box.closest("section, fieldset");
    var title = heading && (heading.querySelector ? heading.querySelector("h2") : null);
    var text = (title || heading || box).textContent || "";
    return text.trim().split("\n")[0].slice(0, 80);
  }

  function mark() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label(box));
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
})();
