// Injected by `garden serve` only; never part of the built site.
(function () {
  "use strict";
  var key = "garden-scroll:" + location.pathname;
  try {
    var saved = sessionStorage.getItem(key);
    if (saved !== null) {
      sessionStorage.removeItem(key);
      var y = parseInt(saved, 10);
      var restore = function () { window.scrollTo(0, y); };
      if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
    }
  } catch (e) {}

  function overlay(problems) {
    var old = document.getElementById("garden-overlay");
    if (old) old.remove();
    if (!problems || !problems.length) return;
    var box = document.createElement("div");
    box.id = "garden-overlay";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;z-index:2147483647;" +
      "background:#2b1114;color:#ffe8e8;border:2px solid #ff6b6b;border-radius:8px;padding:1rem 1.25rem;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;box-shadow:0 10px 30px rgba(0,0,0,.4)";
    var title = document.createElement("strong");
    title.textContent = "garden: the last save has problems — the site shows the last good build where it must";
    box.appendChild(title);
    problems.forEach(function (p) {
      var line = document.createElement("div");
      line.style.marginTop = ".5rem";
      line.textContent = p;
      box.appendChild(line);
    });
    var close = document.createElement("button");
    close.textContent = "×";
    close.setAttribute("aria-label", "Dismiss");
    close.style.cssText = "position:absolute;top:.25rem;right:.5rem;background:none;border:0;color:inherit;font-size:20px;cursor:pointer";
    close.onclick = function () { box.remove(); };
    box.appendChild(close);
    document.body.appendChild(box);
  }

  function reload() {
    try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) {}
    location.reload();
  }

  var source = new EventSource("/__garden/events");
  source.addEventListener("reload", reload);
  // The graph's data is written after the reload (its layout can take a second): a graph page reloads again.
  source.addEventListener("graph", function () { if (document.querySelector("[data-graph]")) reload(); });
  source.addEventListener("problems", function (event) { overlay(JSON.parse(event.data)); });
})();
