// Full-text search of the intranet site, with no server: the letters' text
// is in search-index.js (a script, because a page opened from file:// may
// not fetch a JSON file). It is loaded on first use only, so the index
// opens fast however many letters there are. Chinese has no spaces between
// words, so a letter matches when it contains every term of the query as a
// substring; the query is kept in the address (?q=…) so a search can be
// bookmarked and sent.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.getAttribute("data-root") || "";
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var results = document.getElementById("search-results");
  var listing = document.getElementById("listing");
  if (!form || !input || !results) return;
  form.hidden = false;

  var MAX_SHOWN = 200;
  var SNIPPET = 40;
  var docs = null;
  var waiting = [];

  function withIndex(then) {
    if (docs) return then();
    waiting.push(then);
    if (waiting.length > 1) return;
    var s = document.createElement("script");
    s.src = root + "assets/search-index.js";
    s.onload = function () {
      docs = (window.GONGWEN_SEARCH || []).map(function (d) {
        d.lower = (d.t + "\n" + d.n + "\n" + d.o + "\n" + d.d + "\n" + d.x).toLowerCase();
        return d;
      });
      waiting.splice(0).forEach(function (f) { f(); });
    };
    s.onerror = function () {
      show(null, "检索索引 assets/search-index.js 未能载入，请重新生成网站。");
    };
    document.head.appendChild(s);
  }

  // Full-width letters and digits (ｅ, ２０２２) match their ASCII forms.
  function fold(text) {
    return text.replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).toLowerCase();
  }

  function terms(query) {
    return fold(query).split(/[\s\u3000]+/).filter(function (t) { return t; });
  }

  function count(text, term) {
    var n = 0, at = text.indexOf(term);
    while (at >= 0 && n < 50) { n++; at = text.indexOf(term, at + term.length); }
    return n;
  }

  function search(query) {
    var ts = terms(query);
    if (!ts.length) return [];
    var found = [];
    docs.forEach(function (d, order) {
      var score = 0;
      for (var i = 0; i < ts.length; i++) {
        var n = count(d.lower, ts[i]);
        if (!n) return;
        score += n + (d.t.toLowerCase().indexOf(ts[i]) >= 0 ? 100 : 0);
      }
      found.push({ doc: d, score: score, order: order });
    });
    // Titles first, then the letters that say it most; otherwise newest first.
    found.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    return found;
  }

  // Text around the first match, with every term marked.
  function snippet(text, ts) {
    var lower = fold(text), first = -1;
    ts.forEach(function (t) {
      var at = lower.indexOf(t);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var p = document.createElement("p");
    p.className = "snippet";
    if (first < 0) return null;
    var start = Math.max(0, first - SNIPPET), end = Math.min(text.length, first + SNIPPET * 2);
    var part = text.slice(start, end).replace(/\n/g, " ");
    var partLower = lower.slice(start, end);
    if (start > 0) p.appendChild(document.createTextNode("…"));
    var at = 0;
    while (at < part.length) {
      var next = -1, len = 0;
      ts.forEach(function (t) {
        var i = partLower.indexOf(t, at);
        if (i >= 0 && (next < 0 || i < next)) { next = i; len = t.length; }
      });
      if (next < 0) { p.appendChild(document.createTextNode(part.slice(at))); break; }
      if (next > at) p.appendChild(document.createTextNode(part.slice(at, next)));
      var mark = document.createElement("mark");
      mark.textContent = part.slice(next, next + len);
      p.appendChild(mark);
      at = next + len;
    }
    if (end < text.length) p.appendChild(document.createTextNode("…"));
    return p;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }

  function show(query, message) {
    results.textContent = "";
    if (query === "") {
      results.hidden = true;
      if (listing) listing.hidden = false;
      return;
    }
    results.hidden = false;
    if (listing) listing.hidden = true;
    if (message) { results.appendChild(el("p", "none", message)); return; }
    var found = search(query), ts = terms(query);
    var heading = el("h2", null, "检索“" + query.trim() + "”：" +
      (found.length ? "找到 " + found.length + " 件" : "没有找到"));
    results.appendChild(heading);
    if (!found.length) {
      results.appendChild(el("p", "none", "换一个词试试，或用空格分开几个词。"));
      return;
    }
    var list = el("ol", "results");
    found.slice(0, MAX_SHOWN).forEach(function (f) {
      var d = f.doc, li = el("li");
      var a = el("a", null, d.t);
      a.href = root + d.u;
      var title = el("h3");
      title.appendChild(a);
      li.appendChild(title);
      li.appendChild(el("p", "meta", [d.d, d.n, d.o && "主送：" + d.o].filter(Boolean).join("　")));
      var s = snippet(d.x, ts) || snippet(d.t, ts);
      if (s) li.appendChild(s);
      list.appendChild(li);
    });
    results.appendChild(list);
    if (found.length > MAX_SHOWN) {
      results.appendChild(el("p", "none", "只列出前 " + MAX_SHOWN + " 件；加一个词可缩小范围。"));
    }
  }

  function remember(query) {
    try {
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url.href);
    } catch (e) { /* some file:// setups refuse; the search still works */ }
  }

  function run() {
    var query = input.value;
    if (!query.trim()) { show(""); remember(""); return; }
    withIndex(function () { show(query); remember(query.trim()); });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  input.addEventListener("focus", function () { withIndex(function () {}); }, { once: true });
  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; run(); }
})();
