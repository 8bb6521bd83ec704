// The downtime viewer's only script, served by the station itself (no network, no library):
// logs out after the idle time, keeps the banner's age current and says when newer data arrived,
// and searches as you type. Patient values are put in the page with textContent, never as HTML.
(function () {
  "use strict";
  var body = document.body;
  var loggedIn = body.getAttribute("data-logged-in") === "1";
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "600", 10);
  var sequence = parseInt(body.getAttribute("data-sequence") || "0", 10);
  var lang = body.getAttribute("data-lang") || "fr";
  var pollSeconds = parseInt(body.getAttribute("data-poll-seconds") || "15", 10);

  function toLogin() { window.location.replace("/login?idle=1&next=" + encodeURIComponent(window.location.pathname)); }

  if (loggedIn) {
    var last = Date.now();
    ["keydown", "mousedown", "mousemove", "touchstart", "scroll", "wheel"].forEach(function (name) {
      window.addEventListener(name, function () { last = Date.now(); }, { passive: true });
    });
    setInterval(function () { if (Date.now() - last > idleSeconds * 1000) { toLogin(); } }, 1000);

    var poll = function () {
      fetch("/api/status", { headers: { "X-Bascule-Poll": "1" }, credentials: "same-origin" }).then(function (r) {
        if (r.status === 401) { toLogin(); return null; }
        return r.ok ? r.json() : null;
      }).then(function (s) {
        if (!s) { return; }
        var banner = document.querySelector(".banner");
        var text = document.getElementById("data-time");
        if (text) { text.textContent = lang === "en" ? s.banner_en : s.banner_fr; }
        if (banner) { banner.classList.toggle("stale", !!s.stale); }
        if (s.sequence && sequence && s.sequence !== sequence) {
          document.getElementById("newer").classList.remove("hidden");
        }
      }).catch(function () {});
    };
    setInterval(poll, pollSeconds * 1000);
  }

  var reload = document.getElementById("reload");
  if (reload) { reload.addEventListener("click", function (e) { e.preventDefault(); window.location.reload(); }); }
  var printPage = document.getElementById("print-page");
  if (printPage) { printPage.addEventListener("click", function () { window.print(); }); }

  var input = document.getElementById("q");
  var hits = document.getElementById("hits");
  if (input && hits) {
    var timer = null;
    var asked = 0;
    var cell = function (row, text, bold) {
      var td = document.createElement("td");
      if (bold) { var b = document.createElement("b"); b.textContent = text; td.appendChild(b); } else { td.textContent = text; }
      row.appendChild(td);
      return td;
    };
    var show = function (data, query) {
      hits.textContent = "";
      if (!data.patients.length) {
        var p = document.createElement("p");
        p.textContent = lang === "en" ? "No patient found." : "Aucun patient trouvé.";
        hits.appendChild(p);
        return;
      }
      var table = document.createElement("table");
      table.className = "list";
      var head = document.createElement("tr");
      hits.getAttribute("data-columns").split("|").forEach(function (name) {
        var th = document.createElement("th");
        th.textContent = name;
        head.appendChild(th);
      });
      var thead = document.createElement("thead");
      thead.appendChild(head);
      table.appendChild(thead);
      var tbody = document.createElement("tbody");
      data.patients.forEach(function (pt) {
        var row = document.createElement("tr");
        if (!pt.in_census) { row.className = "out"; }
        var name = document.createElement("td");
        var a = document.createElement("a");
        a.href = "/patients/" + encodeURIComponent(pt.id);
        var b = document.createElement("b");
        b.textContent = (pt.family || "").toUpperCase();
        a.appendChild(b);
        a.appendChild(document.createTextNode(" " + (pt.given || "")));
        name.appendChild(a);
        row.appendChild(name);
        var born = pt.birth_date ? pt.birth_date.split("-").reverse().join("/") : "";
        cell(row, born);
        cell(row, pt.mrn || "");
        var out = lang === "en" ? "discharged" : "sorti";
        cell(row, pt.in_census ? (pt.unit_name || "") : out + (pt.last_unit_name ? " (" + pt.last_unit_name + ")" : ""));
        cell(row, pt.in_census ? [pt.room, pt.bed].filter(Boolean).join(" / ") : "");
        tbody.appendChild(row);
      });
      table.appendChild(tbody);
      hits.appendChild(table);
    };
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      timer = setTimeout(function () {
        if (query.length < 2) { hits.textContent = ""; return; }
        var mine = ++asked;
        fetch("/api/patients?q=" + encodeURIComponent(query), { credentials: "same-origin" }).then(function (r) {
          if (r.status === 401) { toLogin(); return null; }
          return r.ok ? r.json() : null;
        }).then(function (data) { if (data && mine === asked) { show(data, query); } }).catch(function () {});
      }, 150);
    });
  }
})();
