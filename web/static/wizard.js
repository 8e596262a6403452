// wizard.js: live progress of the AI planning page. The page's session is
// an HttpOnly cookie, so instead of the bearer-only job API this polls the
// page route /app/events/{id}/job-status and moves on when the plan is
// ready. Without JavaScript the page refreshes itself (noscript meta).
(function () {
  "use strict";
  var box = document.getElementById("planning");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("planning-bar");
  var pct = document.getElementById("planning-pct");
  var msg = document.getElementById("planning-msg");
  var phases = box.querySelectorAll(".ev-phases li");
  var failures = 0;

  function show(s) {
    var p = Math.max(5, Math.min(100, s.progress || 0));
    if (bar) { bar.style.width = p + "%"; }
    if (pct) { pct.textContent = p + "%"; }
    if (msg && s.message) { msg.textContent = s.message; }
    var pb = box.querySelector("[role=progressbar]");
    if (pb) { pb.setAttribute("aria-valuenow", String(p)); }
    for (var i = 0; i < phases.length; i++) {
      var at = parseInt(phases[i].getAttribute("data-at"), 10);
      phases[i].className = p > at ? "done" : (p >= at ? "on" : "");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        failures = 0;
        show(s);
        if (s.done && s.next) {
          window.location.assign(s.next);
          return;
        }
        setTimeout(poll, 700);
      })
      .catch(function () {
        failures++;
        // A flaky network: back off, then fall back to reloading the page.
        if (failures > 5) { window.location.reload(); return; }
        setTimeout(poll, 1500);
      });
  }
  poll();
})();
