// The graph pages: graph.json, laid out at build time (garden/layout.py), drawn
// on a canvas. The browser never simulates forces; it draws, pans and zooms,
// so 10,000 notes stay responsive. Hover shows a node's neighbours, a click
// opens its page; ?note=<note url> in the address centres on that note.
(function () {
  "use strict";
  var box = document.querySelector(".graph");
  if (!box) return;
  var stage = box.querySelector(".graph-stage");
  var canvas = box.querySelector(".graph-canvas");
  var ctx = canvas.getContext("2d");
  var mode = box.getAttribute("data-mode");
  var root = new URL(box.getAttribute("data-root") || "./", location.href);
  var nodes = [], edges = [], notes = 0;  // nodes[i] = {x, y, r, title, url, tag, near: {j: true}}
  var view = { x: 0, y: 0, scale: 1 }, size = { w: 0, h: 0 }, colours = {};
  var hover = null, focus = null, drawing = false, showTags = false;

  function readColours() {
    var css = getComputedStyle(document.documentElement);
    ["--accent", "--accent-strong", "--border-strong", "--fg", "--muted", "--bg", "--chart-3", "--focus"]
      .forEach(function (name) { colours[name] = css.getPropertyValue(name).trim(); });
  }

  // A node grows with its links, but a hub stays a dot among thousands.
  function radius(weight) { return 2.5 + Math.min(Math.sqrt(weight), 8) * 1.4; }
  var LABELS = 40, BUSY = 5000;  // labels drawn at most; more edges than this are left out while moving

  function load(data) {
    var keyIndex = {};
    if (mode === "tags") {
      data.tags.forEach(function (t, i) {
        keyIndex[t.key] = i;
        nodes.push({ x: t.x, y: t.y, r: radius(t.count), title: "#" + t.name, url: t.id, tag: true, near: {} });
      });
      data.tag_pairs.forEach(function (p) { link(keyIndex[p[0]], keyIndex[p[1]], p[2]); });
      data.tags.forEach(function (t, i) {
        var parent = t.key.lastIndexOf("/");
        if (parent > 0) link(i, keyIndex[t.key.slice(0, parent)], 1);
      });
    } else {
      data.nodes.forEach(function (n) {
        nodes.push({ x: n.x, y: n.y, r: radius(n.links), title: n.title, url: n.id, tag: false, near: {}, tags: n.tags });
      });
      data.edges.forEach(function (e) { link(e[0], e[1], 1); });
      notes = nodes.length;
      // Tags as nodes (off until asked for): each at the middle of its notes.
      data.tags.forEach(function (t) { keyIndex[t.key] = nodes.length; nodes.push({ title: "#" + t.name, url: t.id,
        r: radius(t.count), tag: true, near: {}, x: 0, y: 0, n: 0, hidden: true }); });
      for (var i = 0; i < notes; i++) {
        nodes[i].tags.forEach(function (key) {
          var t = nodes[keyIndex[key]];
          if (!t) return;
          t.x += nodes[i].x; t.y += nodes[i].y; t.n += 1;
          link(i, keyIndex[key], 0);
        });
      }
      nodes.slice(notes).forEach(function (t) { if (t.n) { t.x /= t.n; t.y /= t.n; } });
    }
  }

  function link(a, b, weight) {
    if (a === undefined || b === undefined || a === b) return;
    edges.push([a, b, weight]);
    nodes[a].near[b] = true;
    nodes[b].near[a] = true;
  }

  function visible(node) { return !node.hidden || showTags; }

  // --- the view -----------------------------------------------------------------------------

  function fit() {
    var xs = nodes.filter(visible), pad = 40;
    if (!xs.length) return;
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    xs.forEach(function (n) {
      minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x); minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y);
    });
    view.x = (minX + maxX) / 2;
    view.y = (minY + maxY) / 2;
    view.scale = Math.min((size.w - 2 * pad) / Math.max(maxX - minX, 1), (size.h - 2 * pad) / Math.max(maxY - minY, 1), 2);
    redraw();
  }

  function toScreen(n) { return [(n.x - view.x) * view.scale + size.w / 2, (n.y - view.y) * view.scale + size.h / 2]; }

  function zoom(factor, sx, sy) {
    var wx = (sx - size.w / 2) / view.scale + view.x, wy = (sy - size.h / 2) / view.scale + view.y;
    view.scale = Math.max(0.02, Math.min(40, view.scale * factor));
    view.x = wx - (sx - size.w / 2) / view.scale;
    view.y = wy - (sy - size.h / 2) / view.scale;
    viewChanged();
  }

  function pan(dx, dy) { view.x -= dx / view.scale; view.y -= dy / view.scale; viewChanged(); }

  function resize() {
    var rect = stage.getBoundingClientRect(), ratio = window.devicePixelRatio || 1;
    var first = !size.w;
    size.w = rect.width; size.h = rect.height;
    canvas.width = Math.round(size.w * ratio);
    canvas.height = Math.round(size.h * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    if (first && nodes.length) start(); else redraw();
  }

  // --- drawing ------------------------------------------------------------------------------

  var moving = false, still = 0;

  function redraw() {
    if (drawing) return;
    drawing = true;
    requestAnimationFrame(draw);
  }

  // While the view moves, a big graph is drawn without its edges; they come back once it stops.
  function viewChanged() {
    moving = true;
    clearTimeout(still);
    still = setTimeout(function () { moving = false; redraw(); }, 150);
    redraw();
  }

  function draw() {
    drawing = false;
    ctx.clearRect(0, 0, size.w, size.h);
    var lit = hover || focus, grow = Math.min(2.2, Math.max(0.7, Math.sqrt(view.scale * 2)));
    ctx.lineWidth = 1;
    ctx.strokeStyle = colours["--border-strong"];
    ctx.globalAlpha = Math.max(0.08, Math.min(0.8, 1500 / edges.length)) * (lit ? 0.5 : 1);  // fainter as they crowd
    ctx.beginPath();
    if (!(moving && edges.length > BUSY)) edges.forEach(function (e) {
      var a = nodes[e[0]], b = nodes[e[1]];
      if (!visible(a) || !visible(b) || (e[2] === 0 && !showTags)) return;
      var p = toScreen(a), q = toScreen(b);
      if (mode === "tags") {  // tags: a line as thick as the number of notes that carry both
        ctx.stroke();
        ctx.beginPath();
        ctx.lineWidth = Math.min(6, 1 + Math.log2(e[2]));
      }
      ctx.moveTo(p[0], p[1]);
      ctx.lineTo(q[0], q[1]);
    });
    ctx.stroke();
    ctx.globalAlpha = 1;
    if (lit) {  // the lit node's own links, on top
      ctx.strokeStyle = colours["--accent"];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      Object.keys(lit.near).forEach(function (j) {
        var other = nodes[j];
        if (!visible(other)) return;
        var p = toScreen(lit), q = toScreen(other);
        ctx.moveTo(p[0], p[1]);
        ctx.lineTo(q[0], q[1]);
      });
      ctx.stroke();
    }
    var labels = [];
    nodes.forEach(function (n, i) {
      if (!visible(n)) return;
      var p = toScreen(n), r = n.r * grow;
      if (p[0] < -r || p[1] < -r || p[0] > size.w + r || p[1] > size.h + r) return;
      var near = lit && (n === lit || lit.near[i]);
      ctx.globalAlpha = lit && !near ? 0.3 : 1;
      ctx.fillStyle = n === lit ? colours["--accent-strong"] : n.tag ? colours["--chart-3"] : colours["--accent"];
      ctx.beginPath();
      if (n.tag && mode !== "tags") ctx.rect(p[0] - r, p[1] - r, 2 * r, 2 * r);
      else ctx.arc(p[0], p[1], r, 0, 2 * Math.PI);
      ctx.fill();
      if (n === focus) {
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = colours["--focus"];
        ctx.stroke();
      }
      if (near || nodes.length <= 60 || r >= 6) labels.push([n, p, r, near]);
    });
    // The biggest nodes on screen get labels, and the lit one's neighbours: never a wall of text.
    labels.sort(function (a, b) { return (b[3] - a[3]) || (b[2] - a[2]); });
    labels.length = Math.min(labels.length, LABELS + (lit ? Object.keys(lit.near).length + 1 : 0));
    ctx.globalAlpha = 1;
    ctx.font = "12px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineWidth = 3;
    ctx.lineJoin = "round";
    labels.forEach(function (l) {
      ctx.globalAlpha = lit && !l[3] ? 0.4 : 1;
      ctx.strokeStyle = colours["--bg"];
      ctx.strokeText(l[0].title, l[1][0], l[1][1] + l[2] + 3);
      ctx.fillStyle = l[3] ? colours["--fg"] : colours["--muted"];
      ctx.fillText(l[0].title, l[1][0], l[1][1] + l[2] + 3);
    });
    ctx.globalAlpha = 1;
  }

  // --- pointer and keyboard -----------------------------------------------------------------

  function hit(sx, sy) {
    var best = null, bestD = Infinity, grow = Math.min(2.2, Math.max(0.7, Math.sqrt(view.scale * 2)));
    nodes.forEach(function (n) {
      if (!visible(n)) return;
      var p = toScreen(n), dx = p[0] - sx, dy = p[1] - sy, d = dx * dx + dy * dy, r = n.r * grow + 4;
      if (d <= r * r && d < bestD) { best = n; bestD = d; }
    });
    return best;
  }

  var pointers = {}, moved = 0, pinch = 0;

  function local(e) { var r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }

  canvas.addEventListener("pointerdown", function (e) {
    canvas.setPointerCapture(e.pointerId);
    pointers[e.pointerId] = local(e);
    moved = 0;
    pinch = 0;
  });
  canvas.addEventListener("pointermove", function (e) {
    var at = local(e), before = pointers[e.pointerId], ids = Object.keys(pointers);
    if (!before) {
      var found = hit(at[0], at[1]);
      if (found !== hover) { hover = found; canvas.style.cursor = found ? "pointer" : "grab"; redraw(); }
      return;
    }
    pointers[e.pointerId] = at;
    if (ids.length === 2) {  // pinch: zoom by the change in the fingers' distance
      var a = pointers[ids[0]], b = pointers[ids[1]], d = Math.hypot(a[0] - b[0], a[1] - b[1]);
      if (pinch) zoom(d / pinch, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
      pinch = d;
      moved += 10;
      return;
    }
    moved += Math.abs(at[0] - before[0]) + Math.abs(at[1] - before[1]);
    if (moved > 3) pan(at[0] - before[0], at[1] - before[1]);
  });
  function release(e) {
    var at = local(e);
    delete pointers[e.pointerId];
    if (moved <= 3 && e.type === "pointerup") {
      var found = hit(at[0], at[1]);
      if (found) location.href = new URL(found.url, root).href;
    }
  }
  canvas.addEventListener("pointerup", release);
  canvas.addEventListener("pointercancel", release);
  canvas.addEventListener("pointerleave", function () { if (hover) { hover = null; redraw(); } });
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    var at = local(e);
    zoom(Math.exp(-e.deltaY * 0.0015), at[0], at[1]);
  }, { passive: false });

  stage.addEventListener("keydown", function (e) {
    var step = 60, keys = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (keys[e.key]) pan(keys[e.key][0], keys[e.key][1]);
    else if (e.key === "+" || e.key === "=") zoom(1.3, size.w / 2, size.h / 2);
    else if (e.key === "-" || e.key === "_") zoom(1 / 1.3, size.w / 2, size.h / 2);
    else if (e.key === "0") fit();
    else return;
    e.preventDefault();
  });

  box.querySelector(".graph-zoom-in").addEventListener("click", function () { zoom(1.3, size.w / 2, size.h / 2); });
  box.querySelector(".graph-zoom-out").addEventListener("click", function () { zoom(1 / 1.3, size.w / 2, size.h / 2); });
  box.querySelector(".graph-reset").addEventListener("click", fit);
  var tagBox = box.querySelector(".graph-show-tags");
  if (tagBox) tagBox.addEventListener("change", function () { showTags = tagBox.checked; redraw(); });

  // --- start ---------------------------------------------------------------------------------

  function start() {
    var wanted = new URLSearchParams(location.search).get("note");
    focus = null;
    nodes.forEach(function (n) { if (wanted && n.url === wanted) focus = n; });
    fit();
    if (focus) {  // centre on the note the reader came from, a little closer
      view.x = focus.x; view.y = focus.y;
      view.scale = Math.max(view.scale, Math.min(2, view.scale * 3));
      redraw();
    }
  }

  readColours();
  new MutationObserver(function () { readColours(); redraw(); })
    .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () { readColours(); redraw(); });
  box.classList.add("graph-ready");
  box.querySelector(".graph-toolbar").hidden = false;
  fetch(box.getAttribute("data-graph")).then(function (r) { return r.json(); }).then(function (data) {
    load(data);
    box.setAttribute("data-nodes", String(nodes.filter(visible).length));
    new ResizeObserver(resize).observe(stage);
  }).catch(function () {
    box.classList.remove("graph-ready");
  });
  // Where a page's node is drawn, in the canvas's pixels (for tests and for people poking at the page).
  box.locate = function (url) {
    var n = nodes.filter(function (n) { return n.url === url; })[0];
    return n ? toScreen(n) : null;
  };
})();
