// The local graph under a note: the note in the middle, the notes it links to
// and from around it, drawn as an SVG from the page's own lists of links (no
// garden-wide download). The drawing is for the eye and the mouse; the lists
// below it stay the way to reach the same notes by keyboard or screen reader.
(function () {
  "use strict";
  var box = document.querySelector(".local-graph-view");
  if (!box) return;
  var SVG = "http://www.w3.org/2000/svg";
  var seen = {}, notes = [];
  document.querySelectorAll(".local-graph-lists a[data-direction]").forEach(function (a) {
    if (seen[a.href]) return;
    seen[a.href] = true;
    notes.push({ href: a.href, title: a.textContent.trim() });
  });
  if (!notes.length) return;
  var title = (document.querySelector("h1") || {}).textContent || "";
  var width = 400, height = 200;

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function short(text) { return text.length > 24 ? text.slice(0, 22) + "…" : text; }

  var svg = el("svg", { viewBox: [-width / 2, -height / 2, width, height].join(" "), "aria-hidden": "true",
                        focusable: "false" });
  var lines = el("g", {}, svg), dots = el("g", {}, svg);
  // Two rings when crowded, alternating, so labels have room; an ellipse to use the wide box.
  var rings = notes.length > 10 ? 2 : 1;
  notes.forEach(function (n, i) {
    var angle = -Math.PI / 2 + (2 * Math.PI * i) / notes.length;
    var scale = rings === 2 && i % 2 ? 0.58 : 0.92;
    var x = Math.cos(angle) * (width / 2 - 40) * scale, y = Math.sin(angle) * (height / 2 - 22) * scale;
    el("line", { x1: 0, y1: 0, x2: x.toFixed(1), y2: y.toFixed(1), class: "lg-edge" }, lines);
    var group = el("g", { class: "lg-link" }, dots);
    el("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 5, class: "lg-node" }, group);
    var label = el("text", { x: x.toFixed(1), y: (y + 15).toFixed(1), "text-anchor": "middle", class: "lg-label" }, group);
    label.textContent = short(n.title);
    el("title", {}, group).textContent = n.title;
    group.addEventListener("click", function () { location.href = n.href; });
    group.addEventListener("mouseenter", function () { group.classList.add("lg-hover"); });
    group.addEventListener("mouseleave", function () { group.classList.remove("lg-hover"); });
  });
  el("circle", { cx: 0, cy: 0, r: 8, class: "lg-self" }, dots);
  var me = el("text", { x: 0, y: 22, "text-anchor": "middle", class: "lg-label lg-self-label" }, dots);
  me.textContent = short(title);
  box.appendChild(svg);
  box.hidden = false;
})();
