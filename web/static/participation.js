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

// Coupon scanner: the phone's camera reads the customer's coupon QR. A
// frame every half second goes to the server, which decodes it; the code
// lands in the redeem form and the owner confirms with 사용 처리. Without
// a camera (or over plain http, where browsers refuse it) the button stays
// hidden and typing the code works as before.
(function () {
  var start = document.getElementById('scan-start');
  var box = document.getElementById('scan-box');
  if (!start || !box || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.fetch) return;
  var video = document.getElementById('scan-video');
  var status = document.getElementById('scan-status');
  var form = start.form;
  var input = form.querySelector('input[name=code]');
  var csrf = form.querySelector('input[name=csrf]').value;
  var stream = null, timer = null, busy = false;
  var canvas = document.createElement('canvas');
  start.hidden = false;

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    box.hidden = true;
    start.hidden = false;
  }
  function shoot() {
    if (!stream || busy || !video.videoWidth) { timer = setTimeout(shoot, 300); return; }
    var scale = Math.min(1, 960 / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
    busy = true;
    canvas.toBlob(function (blob) {
      var fd = new FormData();
      fd.append('csrf', csrf);
      fd.append('frame', blob, 'frame.jpg');
      fetch(start.dataset.src, {method: 'POST', body: fd, credentials: 'same-origin'})
        .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, status: r.status, d: d}; }); })
        .then(function (a) {
          busy = false;
          if (a.ok && a.d.code) {
            input.value = a.d.code;
            stop();
            status.textContent = '';
            input.focus();
            form.querySelector('button[type=submit]').focus();
            var note = document.getElementById('scan-read') || document.createElement('p');
            note.id = 'scan-read';
            note.setAttribute('role', 'status');
            note.textContent = '쿠폰 번호를 읽었어요 (' + a.d.code + '). 사용 처리를 눌러 주세요.';
            form.appendChild(note);
            return;
          }
          if (a.status !== 422) { status.textContent = a.d.error || '잠시 후 다시 시도해 주세요.'; stop(); box.hidden = false; start.hidden = true; return; }
          timer = setTimeout(shoot, 500);
        })
        .catch(function () { busy = false; timer = setTimeout(shoot, 1000); });
    }, 'image/jpeg', 0.85);
  }
  start.addEventListener('click', function () {
    navigator.mediaDevices.getUserMedia({video: {facingMode: 'environment'}, audio: false}).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.play();
      box.hidden = false;
      start.hidden = true;
      status.textContent = '쿠폰 QR을 화면 가운데에 맞춰 주세요.';
      timer = setTimeout(shoot, 400);
    }).catch(function () {
      box.hidden = false;
      status.textContent = '카메라를 쓸 수 없어요. 브라우저에서 카메라 권한을 허용하거나 쿠폰 번호를 입력해 주세요.';
      document.getElementById('scan-video').hidden = true;
    });
  });
  document.getElementById('scan-stop').addEventListener('click', stop);
})();
