// The table of contents marks the section being read: the last heading that
// has scrolled into the top third of the window. An IntersectionObserver says
// when a heading crosses that line, so nothing runs while the reader is inside
// a section.
(function () {
  "use strict";
  var links = document.querySelectorAll(".toc-list a[href^='#']");
  if (!links.length || !("IntersectionObserver" in window)) return;
  var byId = {}, headings = [], current = null;
  links.forEach(function (a) {
    var id = decodeURIComponent(a.getAttribute("href").slice(1));
    if (!byId[id]) {
      byId[id] = [];
      var heading = document.getElementById(id);
      if (heading) headings.push(heading);
    }
    byId[id].push(a);
  });

  function mark(id) {
    if (id === current) return;
    if (current) byId[current].forEach(function (a) { a.removeAttribute("aria-current"); });
    current = id;
    if (id) byId[id].forEach(function (a) { a.setAttribute("aria-current", "true"); });
  }

  function update() {
    var line = window.innerHeight / 3, found = null;
    headings.forEach(function (h) { if (h.getBoundingClientRect().top <= line) found = h.id; });
    mark(found);
  }

  var observer = new IntersectionObserver(update, { rootMargin: "0px 0px -66% 0px" });
  headings.forEach(function (h) { observer.observe(h); });
})();
