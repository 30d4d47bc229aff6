// The theme toggle. The page is readable without it: the CSS follows the
// system setting, and an inline script in <head> applies a stored choice
// before the first paint. A click flips light/dark; a choice that matches the
// system is forgotten, so the page follows the system again.
(function () {
  "use strict";
  var KEY = "garden-theme";
  var root = document.documentElement;
  var button = document.querySelector(".theme-toggle");
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");
  if (!button) return;

  function systemTheme() { return systemDark.matches ? "dark" : "light"; }
  function theme() { return root.getAttribute("data-theme") || systemTheme(); }
  function sync() { button.setAttribute("aria-pressed", String(theme() === "dark")); }

  button.addEventListener("click", function () {
    var next = theme() === "dark" ? "light" : "dark";
    var follow = next === systemTheme();
    if (follow) root.removeAttribute("data-theme");
    else root.setAttribute("data-theme", next);
    try {
      if (follow) localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, next);
    } catch (e) { /* storage blocked: the choice lasts for this page only */ }
    sync();
  });
  if (systemDark.addEventListener) systemDark.addEventListener("change", sync);
  sync();
  button.hidden = false;
})();
