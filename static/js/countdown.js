/*
 * Ticks every <time class="countdown" data-due-at="ISO 8601"> once a second: the time left as H:MM:SS, or
 * "−H:MM:SS" in red once past due. The dispatch board (templates/services/dispatcher.html) is re-rendered by
 * htmx every 30 s; the new elements are picked up on the next tick, so no re-initialisation is needed.
 */
(function () {
  "use strict";

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function format(seconds) {
    var sign = seconds < 0 ? "\u2212" : "";
    var s = Math.abs(seconds);
    var hours = Math.floor(s / 3600);
    return sign + hours + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.countdown[data-due-at]").forEach(function (element) {
      var due = Date.parse(element.getAttribute("data-due-at"));
      if (isNaN(due)) {
        return;
      }
      var left = Math.round((due - now) / 1000);
      element.textContent = format(left);
      element.classList.toggle("text-danger", left < 0);
      element.classList.toggle("text-warning-emphasis", left >= 0 && left < 900);
    });
  }

  tick();
  window.setInterval(tick, 1000);
})();
