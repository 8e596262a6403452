// Live participant count on the owner's participants page: polls the
// counters every 3 seconds (the page works without it).
(function () {
  var box = document.getElementById('part-live');
  if (!box || !window.fetch) return;
  function tick() {
    fetch(box.dataset.src, {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) return;
        box.querySelectorAll('[data-k]').forEach(function (el) {
          var v = d[el.dataset.k];
          if (v !== undefined) el.textContent = String(v);
        });
      })
      .catch(function () {})
      .finally(function () { if (!document.hidden) setTimeout(tick, 3000); else setTimeout(tick, 15000); });
  }
  setTimeout(tick, 3000);
})();
