// Full-text search of the intranet site. The index is split (see gongwen's
// src/search.rs) so that a query fetches only a small part of it: the
// shards that hold the query's pairs of characters (bigrams), then the
// titles and texts of the letters it shows. Chinese has no spaces between
// words, so a letter matches when it contains every term of the query; its
// bigrams find it, its text confirms it. Fetching needs a web server: opened
// from file://, the page says so and the filters still work. The query is
// kept in the address (?q=…) so a search can be bookmarked and sent.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.getAttribute("data-root") || "";
  var base = root + "assets/search/";
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var results = document.getElementById("search-results");
  var listing = document.getElementById("listing");
  if (!form || !input || !results) return;
  if (window.location.protocol === "file:") {
    var offline = document.getElementById("search-offline");
    if (offline) offline.hidden = false;
    return;
  }
  form.hidden = false;

  var SHOWN = 20;
  var SNIPPET = 40;
  var cache = {};

  function load(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
    }
    return cache[path];
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

  function bigrams(term) {
    var chars = Array.from(term), out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }

  // FNV-1a over UTF-16 code units, as src/search.rs computes it.
  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function undelta(list) {
    var out = [], id = 0;
    for (var i = 0; i < list.length; i++) { id += list[i]; out.push(id); }
    return out;
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  // The letters (numbers, newest first) that have every bigram of the query.
  function candidates(manifest, ts) {
    var grams = [];
    ts.forEach(function (t) { grams = grams.concat(bigrams(t)); });
    return Promise.all(grams.map(function (g) {
      return load("bigrams/" + (hash(g) % manifest.shards) + ".json").then(function (shard) {
        return undelta(shard[g] || []);
      });
    })).then(function (lists) {
      return lists.reduce(intersect);
    });
  }

  // The title, 发文字号, date, 主送 and text of letter `id`.
  function letter(manifest, id) {
    return Promise.all([
      load("meta/" + Math.floor(id / manifest.meta) + ".json"),
      load("text/" + Math.floor(id / manifest.text) + ".json")
    ]).then(function (files) {
      var m = files[0][id % manifest.meta];
      return { u: m[0], t: m[1], n: m[2], d: m[3], o: m[4], x: files[1][id % manifest.text] };
    });
  }

  function holdsAll(d, ts) {
    var text = fold(d.t + "\n" + d.n + "\n" + d.o + "\n" + d.d + "\n" + d.x);
    return ts.every(function (t) { return text.indexOf(t) >= 0; });
  }

  // `text` into `parent`, with every term marked.
  function mark(parent, text, ts) {
    var lower = fold(text), at = 0;
    while (at < text.length) {
      var next = -1, len = 0;
      ts.forEach(function (t) {
        var i = lower.indexOf(t, at);
        if (i >= 0 && (next < 0 || i < next)) { next = i; len = t.length; }
      });
      if (next < 0) { parent.appendChild(document.createTextNode(text.slice(at))); break; }
      if (next > at) parent.appendChild(document.createTextNode(text.slice(at, next)));
      parent.appendChild(el("mark", null, text.slice(next, next + len)));
      at = next + len;
    }
    return parent;
  }

  // The text around the first match, with every term marked.
  function snippet(text, ts) {
    var lower = fold(text), first = -1;
    ts.forEach(function (t) {
      var at = lower.indexOf(t);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    if (first < 0) return null;
    var start = Math.max(0, first - SNIPPET), end = Math.min(text.length, first + SNIPPET * 2);
    var p = el("p", "snippet");
    if (start > 0) p.appendChild(document.createTextNode("…"));
    mark(p, text.slice(start, end).replace(/\n/g, " "), ts);
    if (end < text.length) p.appendChild(document.createTextNode("…"));
    return p;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }

  function item(d, ts) {
    var li = el("li"), title = el("h3"), a = mark(el("a"), d.t, ts);
    a.href = root + d.u;
    title.appendChild(a);
    li.appendChild(title);
    li.appendChild(mark(el("p", "meta"), [d.d, d.n, d.o && "主送：" + d.o].filter(Boolean).join("　"), ts));
    var s = snippet(d.x, ts);
    if (s) li.appendChild(s);
    return li;
  }

  function showing(query) {
    results.textContent = "";
    results.hidden = !query;
    if (listing) listing.hidden = !!query;
  }

  function say(message) { results.appendChild(el("p", "none", message)); }

  var asked = 0;

  function run() {
    var query = input.value.trim(), mine = ++asked;
    remember(query);
    showing(query);
    if (!query) return;
    var ts = terms(query);
    if (!ts.some(function (t) { return Array.from(t).length > 1; })) {
      results.appendChild(el("h2", null, "检索“" + query + "”：请输入两个字以上的词，如：耕地。"));
      return;
    }
    load("index.json").then(function (manifest) {
      return candidates(manifest, ts).then(function (ids) {
        if (mine !== asked) return;
        var heading = el("h2");
        results.appendChild(heading);
        var list = el("ol", "results");
        results.appendChild(list);
        var found = ids.length, next = 0;
        function title() {
          heading.textContent = "检索“" + query + "”：" + (found ? "找到 " + found + " 件" : "没有找到");
        }
        // The next letters of `ids`, fetched and checked for the whole terms.
        function more() {
          var batch = ids.slice(next, next + SHOWN);
          next += batch.length;
          return Promise.all(batch.map(function (id) { return letter(manifest, id); })).then(function (docs) {
            if (mine !== asked) return;
            docs.forEach(function (d) {
              if (holdsAll(d, ts)) list.appendChild(item(d, ts)); else found--;
            });
            title();
            var old = results.querySelector("button.more");
            if (old) old.remove();
            if (next < ids.length) {
              var button = el("button", "more", "显示更多");
              button.type = "button";
              button.addEventListener("click", more);
              results.appendChild(button);
            } else if (!found) {
              say("换一个词试试，或用空格分开几个词。");
            }
          });
        }
        // The heading comes with the first results, so that its count is
        // never shown before the letters it counts are there.
        return more();
      });
    }).catch(function () {
      if (mine !== asked) return;
      showing(query);
      say("检索索引 assets/search/ 未能载入：请重新生成网站，或检查它是否与网页一起发布。");
    });
  }

  function remember(query) {
    try {
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url.href);
    } catch (e) { /* the search still works */ }
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; run(); }
})();
