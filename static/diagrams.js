// Mermaid diagrams: ```mermaid fences arrive as <pre class="mermaid"> holding
// the diagram's text (readable as it is without JavaScript). note.html loads
// this and the copy of Mermaid in static/vendor/ (3.5 MB, never from a CDN, so
// the garden works offline) only on a note that has one. Each diagram is drawn
// in the page's colours and drawn again when the theme changes.
(function () {
  "use strict";
  var blocks = document.querySelectorAll("pre.mermaid");
  if (!blocks.length) return;
  var root = document.documentElement;
  var sources = [];
  blocks.forEach(function (pre) { sources.push(pre.textContent); });

  function dark() {
    var chosen = root.getAttribute("data-theme");
    return chosen ? chosen === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function draw() {
    blocks.forEach(function (pre, i) {
      pre.removeAttribute("data-processed");
      pre.textContent = sources[i];
    });
    // Mermaid's "base" theme takes the garden's own colours, so a diagram matches the page in both themes.
    var css = getComputedStyle(root), v = function (name) { return css.getPropertyValue(name).trim(); };
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "base", themeVariables: {
      darkMode: dark(), background: v("--bg"), fontFamily: getComputedStyle(document.body).fontFamily,
      primaryColor: v("--bg-soft"), primaryTextColor: v("--fg"), primaryBorderColor: v("--border-strong"),
      lineColor: v("--muted"), textColor: v("--fg"), edgeLabelBackground: v("--bg-raised"),
      secondaryColor: v("--bg-raised"), tertiaryColor: v("--bg-raised")
    } });
    window.mermaid.run({ nodes: blocks }).then(function () {
      blocks.forEach(function (pre) { pre.classList.add("mermaid-drawn"); });
    }).catch(function () { /* the diagram's text stays, readable */ });
  }

  if (!window.mermaid) return;  // its script failed to load: the diagrams' text stays, readable
  draw();
  new MutationObserver(draw).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", draw);
})();
