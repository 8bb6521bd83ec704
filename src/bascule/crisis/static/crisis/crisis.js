// Ages on the page ("3 min ago") tick every second; a screen that stops refreshing says so in red.
(function () {
  var lastOk = Date.now();
  function fmt(seconds, lang) {
    if (seconds < 60) return Math.floor(seconds) + " s";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min";
    return Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("data-since"));
      if (!isNaN(t)) el.textContent = fmt(Math.max(0, (now - t) / 1000));
    });
    // The exercise clock runs between polls (a poll answers 204 when nothing changed).
    document.querySelectorAll("[data-exercise-clock]").forEach(function (el) {
      if (!el.hasAttribute("data-rendered")) el.setAttribute("data-rendered", String(now));
      if (el.getAttribute("data-running") !== "1") return;
      var minute = parseFloat(el.getAttribute("data-minute")) +
        (now - parseFloat(el.getAttribute("data-rendered"))) / 60000 * parseFloat(el.getAttribute("data-speed"));
      var whole = Math.floor(minute), h = Math.floor(whole / 60), m = whole % 60;
      el.textContent = "T+" + (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
    });
    var live = document.querySelector("[data-live]");
    if (live && now - lastOk > 10000) {
      document.body.classList.add("stale");
      var since = document.getElementById("stale-since");
      if (since) since.textContent = new Date(lastOk).toLocaleTimeString();
    }
  }
  // A poll replaces the live region: keep the procedures the reader opened open.
  var opened = [];
  document.addEventListener("htmx:beforeSwap", function () {
    opened = Array.prototype.map.call(document.querySelectorAll("details[open][id]"), function (d) { return d.id; });
  });
  document.addEventListener("htmx:afterSwap", function () {
    opened.forEach(function (id) { var d = document.getElementById(id); if (d) d.open = true; });
    tick();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) { lastOk = Date.now(); document.body.classList.remove("stale"); }
  });
  // Consequential forms (lifting a declaration) ask first: a tired hand misclicks.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
})();
