// Link previews: hovering or focusing a link to another note shows the start
// of that note (or the linked section) in a small tooltip. The target page is
// fetched once and its .note-body read; nothing garden-wide is downloaded.
// Esc closes it; it floats above the page, so nothing moves.
(function () {
  "use strict";
  var LINKS = "main a.internal[href], .backlink-list a[href], .local-graph-list a[href]";
  var SHOW_MS = 350, HIDE_MS = 200, MAX_BLOCKS = 6;
  var cache = {};  // page URL -> Promise of its parsed document (or null)
  var tip = null, current = null, showTimer = 0, hideTimer = 0;

  function page(url) {
    var key = url.split("#")[0];
    if (key === location.href.split("#")[0]) return Promise.resolve(document);
    if (!cache[key]) {
      cache[key] = fetch(key, { credentials: "same-origin" }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        return html && new DOMParser().parseFromString(html, "text/html");
      }).catch(function () { return null; });
    }
    return cache[key];
  }

  function level(el) { var m = /^H([1-6])$/.exec(el.tagName); return m ? +m[1] : 0; }

  // The blocks to show: the linked heading's section, the linked block, or the note's first section.
  function excerpt(doc, hash) {
    var body = doc.querySelector(".note-body");
    if (!body) return null;
    var blocks = [], start = null;
    if (hash) {
      try { start = body.querySelector("#" + CSS.escape(decodeURIComponent(hash))); } catch (e) { start = null; }
      while (start && start.parentElement !== body) start = start.parentElement;
    }
    if (start && !level(start)) return [start];
    var stop = start ? level(start) : 2;
    for (var el = start || body.firstElementChild; el && blocks.length < MAX_BLOCKS; el = el.nextElementSibling) {
      if (el !== start && level(el) && level(el) <= stop) break;
      blocks.push(el);
    }
    return blocks;
  }

  // A copy that can sit inside the page: no ids (they would clash), no links (a tooltip is not interactive).
  function tame(node) {
    var copy = node.cloneNode(true);
    var all = [copy].concat(Array.prototype.slice.call(copy.querySelectorAll("*")));
    all.forEach(function (el) {
      el.removeAttribute("id");
      if (el.hasAttribute("tabindex")) el.removeAttribute("tabindex");
    });
    copy.querySelectorAll("a, button, input, details > summary, script").forEach(function (el) {
      if (el.tagName === "SCRIPT" || el.tagName === "INPUT" || el.tagName === "BUTTON") { el.remove(); return; }
      var span = document.createElement("span");
      span.className = el.className;
      while (el.firstChild) span.appendChild(el.firstChild);
      el.replaceWith(span);
    });
    return copy;
  }

  function place(link) {
    var r = link.getBoundingClientRect(), w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.max(8, Math.min(r.left, document.documentElement.clientWidth - w - 8));
    var below = r.bottom + 8 + h < window.innerHeight || r.top < h + 16;
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = (below ? r.bottom + 8 : r.top - h - 8) + window.scrollY + "px";
  }

  function show(link) {
    var url = link.href, hash = link.hash.slice(1);
    page(url).then(function (doc) {
      if (current !== link || !doc) return;
      var blocks = excerpt(doc, hash);
      if (!blocks || !blocks.length) return;
      if (!tip) {
        tip = document.createElement("div");
        tip.id = "link-preview";
        tip.className = "popover";
        tip.setAttribute("role", "tooltip");
        tip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
        tip.addEventListener("mouseleave", function () { hideSoon(); });
        (document.querySelector("main") || document.body).appendChild(tip);  // inside a landmark
      }
      tip.innerHTML = "";
      var title = doc.querySelector("h1");
      if (title && doc !== document) {
        var t = document.createElement("p");
        t.className = "popover-title";
        t.textContent = title.textContent;
        tip.appendChild(t);
      }
      var content = document.createElement("div");
      content.className = "prose popover-body";
      blocks.forEach(function (b) { content.appendChild(tame(b)); });
      tip.appendChild(content);
      tip.hidden = false;
      place(link);
      link.setAttribute("aria-describedby", "link-preview");
    });
  }

  function hide() {
    clearTimeout(showTimer);
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    if (tip) tip.hidden = true;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_MS);
  }

  function enter(e) {
    var link = e.target.closest && e.target.closest(LINKS);
    if (!link || link.origin !== location.origin) return;
    clearTimeout(hideTimer);
    if (link === current) return;
    hide();
    current = link;
    showTimer = setTimeout(function () { show(link); }, SHOW_MS);
  }

  function leave(e) {
    var link = e.target.closest && e.target.closest(LINKS);
    if (link && link === current) hideSoon();
  }

  document.addEventListener("mouseover", enter);
  document.addEventListener("focusin", enter);
  document.addEventListener("mouseout", leave);
  document.addEventListener("focusout", leave);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && current) hide(); });
  window.addEventListener("pagehide", hide);
})();
