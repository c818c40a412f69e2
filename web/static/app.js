/* Policy Glossary: instant search and copy buttons. The pages work without this file. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;  // textContent only: user text never becomes markup
    return node;
  }

  /* ---- copy buttons: data-copy="text" or data-copy-target="element id" ---- */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var area = el("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }

  /* Formatted text: HTML (links made absolute, so they work where it is pasted) with a
     plain-text alternative, as the browser would copy a selection. */
  function copyRich(node) {
    var clone = node.cloneNode(true);
    clone.querySelectorAll("a[href]").forEach(function (link, index) {
      link.setAttribute("href", node.querySelectorAll("a[href]")[index].href);
    });
    var html = clone.innerHTML, text = node.innerText;
    if (navigator.clipboard && window.ClipboardItem && window.isSecureContext) {
      return navigator.clipboard.write([new window.ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([text], { type: "text/plain" })
      })]).then(function () { return text; });
    }
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { document.execCommand("copy"); } finally { selection.removeAllRanges(); }
    return Promise.resolve(text);
  }

  function setUpCopyButtons() {
    document.querySelectorAll("button.copy").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var label = button.textContent;
        var rich = button.getAttribute("data-copy-html");
        if (rich && document.getElementById(rich)) {
          copyRich(document.getElementById(rich)).then(function (text) {
            button.textContent = "Copied";
            button.classList.add("copied");
            button.setAttribute("data-copied", text);
            setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 1500);
          }, function () { button.textContent = "Select and copy"; });
          return;
        }
        var text = button.getAttribute("data-copy");
        var target = button.getAttribute("data-copy-target");
        if (target) {
          var source = document.getElementById(target);
          text = source ? (source.value !== undefined ? source.value : source.textContent) : "";
        }
        copyText(text || "").then(function () {
          button.textContent = "Copied";
          button.classList.add("copied");
          button.setAttribute("data-copied", text || "");
          setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 1500);
        }, function () { button.textContent = "Select and copy"; });
      });
    });
  }

  /* ---- instant search ---- */
  function resultRow(term) {
    var li = el("li", "result");
    li.setAttribute("role", "option");
    var link = el("a", "result-link");
    link.href = term.url;
    var hanzi = el("span", "result-hanzi");
    var simplified = el("span", "hanzi", term.simplified);
    simplified.lang = "zh-Hans";
    hanzi.appendChild(simplified);
    if (term.traditional && term.traditional !== term.simplified) {
      var traditional = el("span", "hanzi-trad", term.traditional);
      traditional.lang = "zh-Hant";
      hanzi.appendChild(document.createTextNode(" "));
      hanzi.appendChild(traditional);
    }
    var body = el("span", "result-body");
    body.appendChild(el("span", "pinyin", term.pinyin.marks));
    body.appendChild(el("span", "english", term.english.preferred));
    link.appendChild(hanzi);
    link.appendChild(body);
    var domain = el("span", "domain domain-" + term.domain, term.domain.replace(/-/g, " ").replace(/^./, function (c) { return c.toUpperCase(); }));
    link.appendChild(domain);
    li.appendChild(link);
    if (term.notice) {
      var status = term.match && term.match.status ? term.match.status : "superseded";
      var notice = el("p", "notice notice-" + status, term.notice);
      notice.setAttribute("role", "note");
      li.appendChild(notice);
    }
    return li;
  }

  function dictionarySection(data) {
    var section = el("section", "dictionary-results");
    var heading = el("h2", null, "From the CC-CEDICT dictionary ");
    heading.appendChild(el("span", "muted", "— not reviewed"));
    section.appendChild(heading);
    section.appendChild(el("p", "muted", "A general dictionary, not the glossary: these glosses are nobody's official rendering."));
    var list = el("ol", "result-list");
    data.dictionary.forEach(function (entry) {
      var li = el("li", "result result-dictionary");
      var box = el("div", "result-link");
      var hanzi = el("span", "result-hanzi");
      var simplified = el("span", "hanzi", entry.simplified);
      simplified.lang = "zh-Hans";
      hanzi.appendChild(simplified);
      if (entry.traditional !== entry.simplified) {
        var traditional = el("span", "hanzi-trad", entry.traditional);
        traditional.lang = "zh-Hant";
        hanzi.appendChild(document.createTextNode(" "));
        hanzi.appendChild(traditional);
      }
      var body = el("span", "result-body");
      body.appendChild(el("span", "pinyin", entry.pinyin.marks));
      body.appendChild(el("span", "english", entry.glosses.slice(0, 4).join("; ")));
      box.appendChild(hanzi);
      box.appendChild(body);
      box.appendChild(el("span", "source-badge", entry.label));
      li.appendChild(box);
      list.appendChild(li);
    });
    section.appendChild(list);
    var source = data.dictionary_source;
    section.appendChild(el("p", "attribution muted", "CC-CEDICT by " + source.publisher + " and contributors, " +
      source.licence + ", release " + source.release + "."));
    return section;
  }

  function setUpInstantSearch() {
    var form = document.querySelector("form[data-instant]");
    var results = document.getElementById("results");
    if (!form || !results || !window.fetch) return;
    var input = form.querySelector("input[name=q]");
    var domain = form.querySelector("select[name=domain]");
    var endpoint = form.getAttribute("data-instant");
    var timer = null, controller = null, active = -1, lastKey = null;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");

    function rows() { return results.querySelectorAll(".result:not(.result-dictionary)"); }

    function highlight(index) {
      var all = rows();
      all.forEach(function (row, i) {
        row.classList.toggle("is-active", i === index);
        row.setAttribute("aria-selected", i === index ? "true" : "false");
        if (i === index) {
          row.id = "result-active";
          row.scrollIntoView({ block: "nearest" });
        } else if (row.id === "result-active") {
          row.removeAttribute("id");
        }
      });
      active = index;
      if (index >= 0) input.setAttribute("aria-activedescendant", "result-active");
      else input.removeAttribute("aria-activedescendant");
    }

    function show(data) {
      results.textContent = "";
      active = -1;
      if (!data.query.trim()) { input.setAttribute("aria-expanded", "false"); return; }
      if (!data.results.length && data.dictionary && data.dictionary.length) {
        results.appendChild(el("p", "count", "No glossary term matches “" + data.query + "”."));
        results.appendChild(dictionarySection(data));
        input.setAttribute("aria-expanded", "false");
        return;
      }
      if (!data.results.length) {
        var empty = el("div", "empty");
        empty.appendChild(el("p", null, "No term matches “" + data.query + "”."));
        if (data.suggestions && data.suggestions.length) {
          empty.appendChild(el("p", null, "Did you mean:"));
          var near = el("ol", "result-list did-you-mean");
          data.suggestions.forEach(function (term) { near.appendChild(resultRow(term)); });
          empty.appendChild(near);
        } else {
          empty.appendChild(el("p", "muted", "Press Enter for other searches to try."));
        }
        results.appendChild(empty);
        input.setAttribute("aria-expanded", "false");
        return;
      }
      var count = data.count + " result" + (data.count === 1 ? "" : "s") + " for “" + data.query + "”";
      results.appendChild(el("p", "count", count));
      var list = el("ol", "result-list");
      list.setAttribute("role", "listbox");
      list.id = "instant-results";
      data.results.forEach(function (term) { list.appendChild(resultRow(term)); });
      results.appendChild(list);
      if (data.dictionary && data.dictionary.length) results.appendChild(dictionarySection(data));
      input.setAttribute("aria-expanded", "true");
    }

    function search() {
      var q = input.value;
      var key = q + "\u0000" + (domain ? domain.value : "");
      if (key === lastKey) return;
      lastKey = key;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var params = new URLSearchParams({ q: q, limit: "20" });
      if (domain && domain.value) params.set("domain", domain.value);
      if (!q.trim()) { show({ query: "", results: [], count: 0 }); return; }
      fetch(endpoint + "?" + params.toString(), { signal: controller ? controller.signal : undefined,
                                                  headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          show(data);
          var url = new URL(window.location.href);
          url.searchParams.set("q", q);
          if (domain && domain.value) url.searchParams.set("domain", domain.value); else url.searchParams.delete("domain");
          window.history.replaceState(null, "", url.toString());
        })
        .catch(function () { /* aborted or offline: the form still works */ });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    }

    input.addEventListener("input", schedule);
    if (domain) domain.addEventListener("change", schedule);
    input.addEventListener("keydown", function (event) {
      var count = rows().length;
      if (event.key === "ArrowDown" && count) {
        event.preventDefault();
        highlight(Math.min(active + 1, count - 1));
      } else if (event.key === "ArrowUp" && count) {
        event.preventDefault();
        highlight(Math.max(active - 1, -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        var link = rows()[active].querySelector("a");
        if (link) window.location.assign(link.href);
      } else if (event.key === "Escape") {
        highlight(-1);
      }
    });
  }

  /* ---- the annotate page: warn before sending a text over the limit ---- */
  function setUpSizeLimit() {
    var form = document.querySelector("form[data-max-bytes]");
    var note = document.getElementById("text-size");
    if (!form || !note || !window.TextEncoder) return;
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    var fields = [form.querySelector("#text"), form.querySelector("#source")].filter(Boolean);
    var encoder = new TextEncoder();
    var usual = note.textContent;
    function measure() {
      var text = fields.map(function (field) { return field.value; }).join("");
      return { bytes: encoder.encode(text).length, characters: Array.from(text).length };
    }
    function update() {
      var size = measure();
      var over = size.bytes > max;
      note.classList.toggle("over", over);
      note.textContent = over
        ? "Too long to send: " + size.characters.toLocaleString("en") + " characters (" +
          size.bytes.toLocaleString("en") + " bytes); the limit is " + max.toLocaleString("en") +
          " bytes, about " + Math.floor(max / 3).toLocaleString("en") + " Chinese or " +
          max.toLocaleString("en") + " English characters. Split it into " + Math.ceil(size.bytes / max) + " parts."
        : usual;
      return over;
    }
    fields.forEach(function (field) { field.addEventListener("input", update); });
    form.addEventListener("submit", function (event) {
      if (update()) { event.preventDefault(); fields[0].focus(); }
    });
    update();
  }

  function start() {
    setUpCopyButtons();
    setUpInstantSearch();
    setUpSizeLimit();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
