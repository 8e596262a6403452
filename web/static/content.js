// content.js: the content page's live parts. Everything works without it
// (the page refreshes itself while generating, the tabs are anchors, the
// counts are rendered by the server); with it:
//  - the progress bar follows the progress stream (server-sent events,
//    relayed by the page route .../content/progress because the session is
//    an HttpOnly cookie) and the page reloads when the job ends;
//  - the size links become tabs;
//  - the copy counts follow the text as the owner edits it, and a button
//    copies it.
(function () {
  "use strict";

  // Progress.
  var box = document.getElementById("content-progress");
  if (box && window.EventSource) {
    var bar = document.getElementById("content-bar");
    var pct = document.getElementById("content-pct");
    var msg = document.getElementById("content-msg");
    var live = document.getElementById("content-live");
    var pb = box.querySelector("[role=progressbar]");
    var es = new EventSource(box.getAttribute("data-src"));
    var finished = false;
    var finish = function () {
      if (finished) { return; }
      finished = true;
      es.close();
      window.location.reload();
    };
    es.addEventListener("progress", function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (err) { return; }
      if (d.total > 0) {
        var p = Math.max(3, Math.min(100, Math.round(100 * d.done / d.total)));
        bar.style.width = p + "%";
        pct.textContent = p + "%";
        pb.setAttribute("aria-valuenow", String(p));
        msg.textContent = d.total + "개 중 " + d.done + "개 완성";
      }
      var a = d.asset;
      if (a && a.url && (a.kind === "image" || a.kind === "poster_png") && live && live.children.length < 40) {
        var li = document.createElement("li");
        var img = document.createElement("img");
        img.src = a.url;
        img.alt = "";
        li.appendChild(img);
        live.appendChild(li);
      }
    });
    ["done", "completed", "failed", "cancelled"].forEach(function (name) {
      es.addEventListener(name, finish);
    });
    es.onerror = function () {
      // The stream ended or broke: the page itself says where things stand.
      if (!finished) { es.close(); setTimeout(finish, 3000); }
    };
  }

  // The videos come after the images: while their job runs, fetch the
  // page again every 3 s and swap in the video section once it is made
  // (not a reload, which would lose the owner's place and edits).
  var vid = document.getElementById("video");
  if (vid && vid.getAttribute("data-pending") && window.fetch && window.DOMParser) {
    var tries = 0;
    var check = function () {
      if (++tries > 200) { return; }
      fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById("video");
          var cur = document.getElementById("video");
          if (fresh && cur && !fresh.getAttribute("data-pending")) {
            cur.replaceWith(document.importNode(fresh, true));
            return;
          }
          setTimeout(check, 3000);
        })
        .catch(function () { setTimeout(check, 6000); });
    };
    setTimeout(check, 3000);
  }

  // Tabs over the size sections.
  var tabs = document.querySelectorAll(".ct-tabs a[data-tab]");
  if (tabs.length > 1) {
    var nav = tabs[0].parentNode;
    nav.setAttribute("role", "tablist");
    var select = function (id, focus) {
      for (var i = 0; i < tabs.length; i++) {
        var t = tabs[i];
        var on = t.getAttribute("data-tab") === id;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        var panel = document.getElementById(t.getAttribute("data-tab"));
        if (panel) { panel.hidden = !on; }
        if (on && focus) { t.focus(); }
      }
    };
    for (var i = 0; i < tabs.length; i++) {
      var t = tabs[i];
      t.setAttribute("role", "tab");
      t.setAttribute("aria-controls", t.getAttribute("data-tab"));
      var panel = document.getElementById(t.getAttribute("data-tab"));
      if (panel) { panel.setAttribute("role", "tabpanel"); }
      t.addEventListener("click", function (e) {
        e.preventDefault();
        select(this.getAttribute("data-tab"), false);
      });
      t.addEventListener("keydown", function (e) {
        var k = e.key, idx = Array.prototype.indexOf.call(tabs, this);
        if (k === "ArrowRight" || k === "ArrowLeft") {
          e.preventDefault();
          var n = (idx + (k === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length;
          select(tabs[n].getAttribute("data-tab"), true);
        }
      });
    }
    // Open the tab of an image the page points at (an edit that failed).
    var start = tabs[0].getAttribute("data-tab");
    var open = document.querySelector(".ct-edit[open]");
    if (open) {
      var sec = open.closest(".ct-size");
      if (sec) { start = sec.id; }
    }
    select(start, false);
    if (open) { open.scrollIntoView({ block: "center" }); }
  }

  // Copy counts, in code points like the server's count.
  var fmt = function (n) { return n.toLocaleString("ko-KR"); };
  var areas = document.querySelectorAll(".ct-copy textarea[data-limit]");
  for (var j = 0; j < areas.length; j++) {
    (function (ta) {
      var out = document.getElementById(ta.getAttribute("aria-describedby"));
      if (!out) { return; }
      var count = out.querySelector("[data-count]");
      var tags = out.querySelector("[data-tags]");
      var over = out.querySelector("[data-over]");
      var limit = parseInt(ta.getAttribute("data-limit"), 10) || 0;
      var tagLimit = parseInt(ta.getAttribute("data-tag-limit"), 10) || 0;
      var update = function () {
        var n = Array.from(ta.value).length;
        var h = (ta.value.match(/#[^\s#]+/g) || []).length;
        count.textContent = fmt(n);
        if (tags) { tags.textContent = String(h); }
        var text = "";
        if (limit > 0 && n > limit) { text = fmt(limit) + "자를 " + fmt(n - limit) + "자 넘었어요"; }
        else if (tagLimit > 0 && h > tagLimit) { text = "해시태그가 " + tagLimit + "개를 넘었어요"; }
        over.textContent = text;
        out.classList.toggle("over", text !== "");
      };
      ta.addEventListener("input", update);
      update();
    })(areas[j]);
  }

  // Copy buttons.
  if (navigator.clipboard) {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var b = 0; b < buttons.length; b++) {
      buttons[b].hidden = false;
      buttons[b].addEventListener("click", function () {
        var btn = this, ta = document.getElementById(btn.getAttribute("data-copy"));
        navigator.clipboard.writeText(ta.value).then(function () {
          btn.textContent = "복사했어요";
          setTimeout(function () { btn.textContent = "복사하기"; }, 2000);
        });
      });
    }
  }
})();
