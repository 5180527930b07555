/* Staff panel: a table that scrolls sideways on a narrow screen (the sync runs of a
   provider account, Today's tables, the bookings list) can be scrolled from the keyboard:
   it becomes a named, focusable region (WCAG 2.1.1; axe: scrollable-region-focusable).
   A file because the Content-Security-Policy (script-src 'self') runs no inline script. */
(function () {
  "use strict";

  var SCROLLERS = ".inline-group, .today-scroll, #changelist .results";

  // the region's name: its own heading or caption, else the heading of the section or
  // fieldset around it, else that section's or its own first line of text
  function label(box) {
    var heading = box.querySelector("h2, caption");
    if (!heading) {
      var around = box.closest("section, fieldset");
      heading = around && (around.querySelector("h2") || around);
    }
    var text = (heading || box).textContent || "";
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
