// The explorer: a tree of folders and notes, opened from the header. It is
// built as it is opened, from the pages themselves: the top folders are the
// header's section links, and opening a folder reads that folder's own page
// (its sub-folders and notes), so no page carries a list of the whole garden.
// The path to the page being read is opened and marked. Without JavaScript the
// same tree is there as breadcrumbs, the header's sections and folder pages.
(function () {
  "use strict";
  var button = document.querySelector(".explorer-button");
  var sections = document.querySelectorAll(".site-nav a[data-folder]");
  if (!button || !sections.length) return;
  var here = location.href.split("#")[0].split("?")[0];
  var trail = {};  // folder URLs on the way to this page, from the breadcrumbs
  document.querySelectorAll(".breadcrumbs a").forEach(function (a) { trail[a.href] = true; });
  var panel = null, pages = {};

  function folderPage(url) {
    if (!pages[url]) {
      pages[url] = fetch(url).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html"), base = new URL(url);
        var pick = function (selector) {
          return Array.prototype.map.call(doc.querySelectorAll(selector), function (a) {
            var title = a.querySelector(".folder-card-title");
            return { url: new URL(a.getAttribute("href"), base).href, title: (title || a).textContent.trim() };
          });
        };
        return { folders: pick(".folder-grid a"), notes: pick(".note-list .note-item-title a") };
      }).catch(function () { return { folders: [], notes: [] }; });
    }
    return pages[url];
  }

  function item(entry, isFolder) {
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = entry.url;
    a.textContent = entry.title;
    if (entry.url === here) a.setAttribute("aria-current", "page");
    if (!isFolder) { li.appendChild(a); return li; }
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "explorer-toggle";
    toggle.setAttribute("aria-expanded", "false");
    toggle.innerHTML = '<span class="visually-hidden">Show what is in </span>';
    toggle.firstChild.appendChild(document.createTextNode(entry.title));
    li.className = "explorer-folder";
    li.append(toggle, a);
    toggle.addEventListener("click", function () { open(li, entry.url, toggle); });
    if (trail[entry.url]) open(li, entry.url, toggle);
    return li;
  }

  function open(li, url, toggle) {
    var list = li.querySelector(":scope > ul");
    if (list) {
      list.hidden = !list.hidden;
      toggle.setAttribute("aria-expanded", String(!list.hidden));
      return;
    }
    toggle.setAttribute("aria-expanded", "true");
    list = document.createElement("ul");
    li.appendChild(list);
    folderPage(url).then(function (found) {
      found.folders.forEach(function (f) { list.appendChild(item(f, true)); });
      found.notes.forEach(function (n) { list.appendChild(item(n, false)); });
      if (!list.children.length) {
        var empty = document.createElement("li");
        empty.className = "explorer-empty";
        empty.textContent = "Empty";
        list.appendChild(empty);
      }
    });
  }

  function build() {
    panel = document.createElement("nav");
    panel.id = "explorer";
    panel.className = "explorer";
    panel.setAttribute("aria-label", "Explorer");
    panel.hidden = true;
    button.setAttribute("aria-controls", "explorer");
    var list = document.createElement("ul");
    sections.forEach(function (a) { list.appendChild(item({ url: a.href, title: a.textContent.trim() }, true)); });
    panel.appendChild(list);
    button.insertAdjacentElement("afterend", panel);
  }

  function show(open) {
    if (!panel) build();
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  }

  button.addEventListener("click", function () { show(!panel || panel.hidden); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && panel && !panel.hidden) { show(false); button.focus(); }
  });
  document.addEventListener("click", function (e) {
    if (panel && !panel.hidden && !panel.contains(e.target) && !button.contains(e.target)) show(false);
  });
  button.hidden = false;
})();
