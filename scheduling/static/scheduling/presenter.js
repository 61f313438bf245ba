/* Run mode and the presenter's view (scheduling/pages/presenter.py):
   - the timer of the case on screen counts from when its page was first opened in this tab (kept in sessionStorage
     per agenda item, so going back and forth between cases keeps each one's time) against the item's minutes; past
     them it says "Over time" (in words, not only in colour) and shows how far over;
   - the keyboard moves between cases: ArrowRight or J follows the page's rel="next" link, ArrowLeft or K its
     rel="prev" link; never while typing in a field or with a modifier key. The links work without this script. */
(function () {
  "use strict";

  var ticking = null;

  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function stored(key, value) {
    try {
      if (value !== undefined) window.sessionStorage.setItem(key, String(value));
      return Number(window.sessionStorage.getItem(key)) || 0;
    } catch (error) {
      return value || 0; // storage refused (private mode): the timer still runs for this page
    }
  }

  function run(root) {
    var key = "tumorboard-timer-" + root.getAttribute("data-item");
    var allotted = Number(root.getAttribute("data-minutes")) * 60;
    var clock = root.querySelector("[data-timer-clock]");
    var over = root.querySelector("[data-timer-over]");
    var restart = root.querySelector("[data-timer-restart]");
    var began = stored(key) || stored(key, Date.now());
    clock.hidden = false;
    restart.hidden = false;

    function tick() {
      var elapsed = Math.max(0, Math.floor((Date.now() - began) / 1000));
      var late = elapsed > allotted;
      clock.textContent = format(elapsed);
      root.classList.toggle("over", late);
      over.hidden = !late;
      root.setAttribute("data-state", late ? "over" : "running");
      if (late) clock.textContent = format(elapsed) + " (+" + format(elapsed - allotted) + ")";
    }

    restart.addEventListener("click", function () {
      began = stored(key, Date.now());
      tick();
    });
    tick();
    return tick;
  }

  function start() {
    if (ticking !== null) window.clearInterval(ticking);
    ticking = null;
    var root = document.querySelector("[data-timer]");
    if (!root) return;
    ticking = window.setInterval(run(root), 1000);
  }

  var KEYS = { ArrowRight: "next", j: "next", J: "next", ArrowLeft: "prev", k: "prev", K: "prev" };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) return;
    var rel = KEYS[event.key];
    var link = rel && document.querySelector('a[rel="' + rel + '"]');
    if (!link) return;
    event.preventDefault();
    link.click();
  });

  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", start); // run mode's section is swapped after check-in, presence
})();
