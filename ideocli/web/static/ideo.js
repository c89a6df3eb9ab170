// ideo: search as you type. Served: asks /api/search (the same search as `ideo search`).
// Exported: searches window.IDEO_INDEX (static/search-index.js) in the browser.
// Text goes into the page only through textContent; links are built from slugs.
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var mode = body.getAttribute("data-mode");
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  var LIMIT = 8;

  function fold(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function entryHref(slug) {
    return root + "entry/" + encodeURIComponent(slug) + ".html";
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }
  function item(hit) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = entryHref(hit.slug);
    a.textContent = hit.title;
    li.appendChild(a);
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = " " + hit.kind;
    li.appendChild(kind);
    if (hit.snippet) {
      var snippet = document.createElement("span");
      snippet.className = "snippet";
      snippet.textContent = hit.snippet;
      li.appendChild(snippet);
    }
    return li;
  }
  function fill(target, hits, message) {
    clear(target);
    if (message) {
      var note = document.createElement("li");
      note.className = "message";
      note.textContent = message;
      target.appendChild(note);
    }
    hits.forEach(function (hit) { target.appendChild(item(hit)); });
    if (target === list) target.hidden = !target.firstChild;
  }

  // --- the exported site: a small ranked search over the prebuilt index ---------------------
  function localSearch(query, limit) {
    var words = fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (!words.length) return [];
    var phrase = "|" + words.join(" ") + "|";
    var found = [];
    (window.IDEO_INDEX || []).forEach(function (row) {
      var names = " " + row[3].replace(/\|/g, " ");
      var text = " " + row[4];
      var summary = fold(row[5]);
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var word = words[i];
        if (names.indexOf(" " + word) >= 0) score += 10;
        else if (text.indexOf(" " + word) >= 0) score += 3;
        else if (summary.indexOf(word) >= 0) score += 1;
        else return;
      }
      if (("|" + row[3] + "|").indexOf(phrase) >= 0) score += 100;
      if (row[2] === "ideology") score += 0.5;
      found.push({ slug: row[0], title: row[1], kind: row[2], snippet: row[5], score: score });
    });
    found.sort(function (a, b) { return b.score - a.score || a.title.localeCompare(b.title); });
    return found.slice(0, limit);
  }

  // --- the served site: the server's search ---------------------------------------------------
  var sequence = 0;
  function serverSearch(query, target) {
    var mine = ++sequence;
    fetch(root + "api/search?limit=" + LIMIT + "&q=" + encodeURIComponent(query))
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        if (mine !== sequence) return;
        if (!answer.ok) fill(target, [], answer.data.error.message);
        else if (!answer.data.hits.length) fill(target, [], noResults(answer.data.did_you_mean));
        else fill(target, answer.data.hits);
      })
      .catch(function () { /* the server went away: the form still works */ });
  }
  function noResults(hints) {
    return "No results" + (hints && hints.length ? "; did you mean: " + hints.join("; ") + "?" : ".");
  }
  function search(query, target) {
    if (!query.trim()) { fill(target, []); return; }
    if (mode === "static") {
      var hits = localSearch(query, target === list ? LIMIT : 50);
      fill(target, hits, hits.length ? "" : "No results.");
    } else {
      serverSearch(query, target);
    }
  }

  var timer = null;
  if (input && list) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(input.value, list); }, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        var first = list.querySelector("a");
        if (first) { event.preventDefault(); first.focus(); }
      } else if (event.key === "Escape") {
        list.hidden = true;
      }
    });
    list.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < links.length - 1) { event.preventDefault(); links[at + 1].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
      else if (event.key === "Escape") { list.hidden = true; input.focus(); }
    });
  }

  // The exported search page: the query is in the address, the results come from the index.
  var results = document.getElementById("search-results");
  if (results && mode === "static") {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    if (input) input.value = query;
    if (query) search(query, results);
  }

  // The exported home page: a random entry from the index.
  var random = document.getElementById("random-entry");
  if (random && window.IDEO_INDEX) {
    var pool = window.IDEO_INDEX.filter(function (row) { return row[2] === "ideology" || row[2] === "term"; });
    if (pool.length) {
      var row = pool[Math.floor(Math.random() * pool.length)];
      var link = document.createElement("a");
      link.href = entryHref(row[0]);
      link.textContent = row[1];
      document.getElementById("random-link").appendChild(link);
      document.getElementById("random-summary").textContent = row[5];
      random.hidden = false;
    }
  }
})();
