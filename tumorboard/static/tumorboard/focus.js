/* Keyboard focus where a keyboard or screen-reader user expects it on these server-rendered pages:
   - a form that comes back refused (a whole page, or a part swapped in by htmx) puts focus on its first
     invalid field, whose description is the reason it was refused;
   - after an htmx swap, htmx itself puts focus back on a focused control that has an id and is still there;
     when it is gone (an agenda item moved to the end has no "down" arrow any more, a recorded
     follow-through leaves a notice in its place), the data-focus-after of the form that was sent names, in
     order, the elements to focus instead. */
(function () {
  "use strict";

  function firstInvalid(root) {
    var element = root.querySelector('[aria-invalid="true"]');
    if (element && element.tagName === "FIELDSET") {
      element = element.querySelector("input, select, textarea");
    }
    return element;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var invalid = firstInvalid(document);
    if (invalid) invalid.focus();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var invalid = event.target instanceof Element && firstInvalid(event.target);
    if (invalid) {
      invalid.focus();
      return;
    }
    if (document.activeElement && document.activeElement !== document.body) return;
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var holder = source && source.closest("[data-focus-after]");
    if (!holder) return;
    var ids = holder.getAttribute("data-focus-after").split(/\s+/);
    for (var i = 0; i < ids.length; i++) {
      var next = document.getElementById(ids[i]);
      if (next) {
        next.focus();
        return;
      }
    }
  });
})();
