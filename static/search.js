// Full-text search: a dialog over Pagefind's index (pagefind/ at the site's
// root, written by `garden build` in shards). Opened by the header's button,
// Ctrl/Cmd+K or "/". Nothing is fetched until it opens: the list of shards,
// pagefind.js, its wasm and then only the index fragments a query needs. Without JavaScript the button stays
// hidden and the site is browsed by its links.
(function () {
  "use strict";
  var button = document.querySelector(".search-button");
  if (!button) return;
  // The site's root is where static/ is: this works at a domain's root and under a sub-path.
  var root = new URL("../", document.currentScript.src);
  var dialog, input, status, list, pagefind, query = 0, timer;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "search-dialog";
    dialog.setAttribute("aria-label", "Search");
    dialog.innerHTML =
      '<div class="search-box" role="search">' +
      '<label class="visually-hidden" for="search-input">Search notes</label>' +
      '<input id="search-input" class="search-input" type="search" placeholder="Search notes…" ' +
      'autocomplete="off" spellcheck="false" aria-describedby="search-status" aria-controls="search-results">' +
      '<button type="button" class="search-close"><span class="visually-hidden">Close search</span>' +
      '<kbd aria-hidden="true">Esc</kbd></button></div>' +
      '<p id="search-status" class="search-status" role="status"></p>' +
      '<ol id="search-results" class="search-results" aria-label="Search results"></ol>';
    document.body.appendChild(dialog);
    input = dialog.querySelector("input");
    status = dialog.querySelector(".search-status");
    list = dialog.querySelector(".search-results");
    dialog.querySelector(".search-close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });  // the backdrop
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    dialog.addEventListener("keydown", moveFocus);
  }

  // The index is in shards (pagefind/shards.json lists them): Pagefind's script comes from the first,
  // which merges the others into each search.
  function load() {
    if (!pagefind) {
      var options = { baseUrl: root.pathname, excerptLength: 24 };
      pagefind = fetch(new URL("pagefind/shards.json", root), { cache: "no-cache" }).then(function (response) {
        if (!response.ok) throw new Error("no search index");
        return response.json();
      }).then(function (manifest) {
        if (!manifest.shards.length) throw new Error("no notes to search");
        var shards = manifest.shards.map(function (shard) { return new URL("pagefind/" + shard.name + "/", root).href; });
        return import(shards[0] + "pagefind.js").then(function (module) {
          module.options(options);
          module.init();
          return Promise.all(shards.slice(1).map(function (shard) { return module.mergeIndex(shard, options); }))
            .then(function () { return module; });
        });
      });
      pagefind.catch(function () {
        status.textContent = "Search is not available on this copy of the site.";
      });
    }
    return pagefind;
  }

  function open() {
    if (!dialog) build();
    if (dialog.open) return;
    dialog.showModal();
    input.select();
    load();
  }

  function search() {
    var term = input.value.trim(), mine = ++query;
    if (!term) { list.innerHTML = ""; status.textContent = ""; return; }
    load().then(function (module) { return module.search(term); }).then(function (found) {
      if (mine !== query || !found) return;
      return Promise.all(found.results.slice(0, 12).map(function (r) { return r.data(); })).then(function (pages) {
        if (mine !== query) return;
        show(pages, found.results.length);
      });
    }).catch(function () { /* said by load() */ });
  }

  function show(pages, total) {
    list.innerHTML = "";
    pages.forEach(function (page) {
      var item = document.createElement("li");
      item.appendChild(result(page.url, page.meta.title || page.url, page.excerpt, "search-result"));
      var sections = (page.sub_results || []).filter(function (s) {
        return s.url !== page.url && s.title !== page.meta.title;  // not the page's own top section again
      }).slice(0, 2);
      if (sections.length) {
        var sub = document.createElement("ul");
        sections.forEach(function (s) {
          var li = document.createElement("li");
          li.appendChild(result(s.url, s.title, s.excerpt, "search-result search-result-section"));
          sub.appendChild(li);
        });
        item.appendChild(sub);
      }
      list.appendChild(item);
    });
    status.textContent = total === 0 ? "No notes match." :
      total + (total === 1 ? " note" : " notes") + (total > pages.length ? ", showing the first " + pages.length : "");
  }

  function result(url, title, excerpt, cls) {
    var a = document.createElement("a");
    a.className = cls;
    a.href = url;
    var t = document.createElement("span");
    t.className = "search-result-title";
    t.textContent = title;
    var e = document.createElement("span");
    e.className = "search-result-excerpt";
    e.innerHTML = excerpt;  // Pagefind's excerpt: the page's text, escaped, with <mark> around matches
    a.append(t, e);
    return a;
  }

  // Arrow keys move between the field and the results; Enter in the field opens the first.
  function moveFocus(e) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!links.length) return;
      e.preventDefault();
      var next = e.key === "ArrowDown" ? at + 1 : at - 1;
      if (next < 0) input.focus();
      else links[Math.min(next, links.length - 1)].focus();
    } else if (e.key === "Enter" && document.activeElement === input && links.length) {
      e.preventDefault();
      links[0].click();
    }
  }

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  document.addEventListener("keydown", function (e) {
    if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey) {
      e.preventDefault();
      open();
    } else if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target)) {
      e.preventDefault();
      open();
    }
  });
  button.addEventListener("click", open);
  button.hidden = false;
})();
