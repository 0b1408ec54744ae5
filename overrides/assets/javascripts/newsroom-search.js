/* newsroom: search with Pagefind, in the header (results as you type) and on the search page.
 *
 * Everything comes from the site itself: pagefind/pagefind.js and its index files, built by
 * `mkdocs build`. Strings come from the theme's language files (JSON in the header).
 * Without this script the header box is a plain form to search/, which says it needs JavaScript.
 *
 * Titles, summaries, datelines and term names are plain text, whatever characters they hold:
 * they only ever go into the page as text nodes (see el), never as HTML.
 */
(function () {
  "use strict";

  const form = document.querySelector("[data-nr-search]");
  if (!form) return;
  const strings = JSON.parse(document.getElementById("nr-search-strings").textContent);
  const root = new URL(form.dataset.root.replace(/\/?$/, "/"), document.baseURI);
  // On a site of several languages, the page's edition: its releases are searched unless the
  // reader asks for every language (language=* in the search page's address). Each edition has an
  // index of its own (data-pagefind is the page's edition's): the search page loads the others'
  // only when the reader asks for their languages.
  const EDITION = form.dataset.edition || "";
  const ALL_LANGUAGES = "*";
  const FACETS = ["region", "country", "topic", "organization", "year", "language"];
  const PAGE_SIZE = 10;
  const EXCERPT_WORDS = 24;
  const TYPING_PAUSE_MS = 150;
  const loaded = {};  // an index's shards -> the promise of that index: { pagefind, shards }

  /** The Pagefind of one index: the folders of its shards, newest first (by default the header
   * box's: the newest shard of the page's edition and its hand-written pages). The first one's
   * pagefind.js makes an instance of it, and the others are merged into it: they share its script
   * and its WebAssembly (mergeIndex), their results are merged by score and their counts added up. */
  function loadPagefind(shards) {
    const folders = (shards || form.dataset.pagefind.split(" "))
      .map((folder) => new URL(folder.replace(/\/?$/, "/"), document.baseURI).href);
    const key = folders.join(" ");
    if (!loaded[key]) {
      loaded[key] = import(folders[0] + "pagefind.js").then(async (module) => {
        // baseUrl "/": result URLs stay relative to the site's root, wherever it is served (resultUrl).
        const options = { baseUrl: "/", excerptLength: EXCERPT_WORDS };
        // noWorker: on the main thread, Pagefind does not fetch its worker script (41 KB).
        const pagefind = module.createInstance({ ...options, basePath: folders[0], noWorker: true });
        await pagefind.init();
        await Promise.all(folders.slice(1).map((folder) => pagefind.mergeIndex(folder, options)));
        return { pagefind, shards: folders.length };
      });
    }
    return loaded[key];
  }

  /** An index's results in order: { length, at(i) -> a result }. Pagefind merges the results of
   * several shards by score, whatever the sort; sorted by date, the results of a sharded index are
   * each shard's in turn, newest first (a shard holds releases older than those of the one before
   * it), each shard's searched alone (its filter "shard", numbered from the oldest) when its first
   * result is asked for. The search's counts of that filter tell where each shard's begin. */
  function inOrder(index, search, query, options) {
    const results = search.results;
    const counts = (search.filters && search.filters.shard) || {};
    if (!options.sort || index.shards < 2 || !Object.keys(counts).length) {
      return { length: results.length, at: async (i) => results[i] };
    }
    const spans = [];
    let length = 0;
    // Newest first: the shards of releases by number, from the newest, then the pages' (0).
    for (const number of Object.keys(counts).map(Number).sort((a, b) => b - a)) {
      const count = counts[String(number)] || 0;
      if (count) spans.push({ number, first: length, count });
      length += count;
    }
    const searched = {};
    return {
      length,
      at: async (i) => {
        const span = spans.find((s) => i >= s.first && i < s.first + s.count);
        if (!searched[span.number]) {
          const filters = { ...options.filters, shard: String(span.number) };
          searched[span.number] = index.pagefind.search(query, { ...options, filters });
        }
        return (await searched[span.number]).results[i - span.first];
      },
    };
  }

  /** Counts of filter values of several searches, added up: facet -> value -> count. */
  function addedUp(filterCounts) {
    const sums = {};
    for (const counts of filterCounts) {
      for (const [facet, values] of Object.entries(counts || {})) {
        const sum = sums[facet] = sums[facet] || {};
        for (const [value, count] of Object.entries(values)) sum[value] = (sum[value] || 0) + count;
      }
    }
    return sums;
  }

  /** One search over several indexes: { total, filters (added up), shown(start, end) -> the data
   * of those results }. Results are merged by score, as Pagefind merges its indexes, or, sorted
   * by date, newest first: each index gives its own newest first, and the merge reads the date of
   * each index's next result (meta.moment), loading no more of them than it shows, plus one each. */
  async function searchAll(indexes, query, options) {
    const searches = await Promise.all(indexes.map((index) => index.pagefind.search(query, options)));
    const lists = searches.map((search, i) => inOrder(indexes[i], search, query, options));
    const total = lists.reduce((sum, list) => sum + list.length, 0);
    const filters = addedUp(searches.map((search) => search.filters));
    const cache = new Map();
    const data = (result) => {
      if (!cache.has(result)) cache.set(result, result.data());
      return cache.get(result);
    };
    async function shown(start, end) {
      if (lists.length === 1) {
        const positions = [];
        for (let i = start; i < Math.min(end, lists[0].length); i++) positions.push(i);
        return Promise.all(positions.map(async (i) => data(await lists[0].at(i))));
      }
      if (!options.sort) {
        const merged = searches.flatMap((search) => search.results).sort((a, b) => b.score - a.score);
        return Promise.all(merged.slice(start, end).map(data));
      }
      const next = lists.map(() => 0);
      const merged = [];
      while (merged.length < end) {
        const heads = await Promise.all(lists.map(async (list, i) => (next[i] < list.length ? data(await list.at(next[i])) : null)));
        let newest = -1;
        heads.forEach((head, i) => {
          if (head && (newest < 0 || (head.meta.moment || "0") > (heads[newest].meta.moment || "0"))) newest = i;
        });
        if (newest < 0) break;
        merged.push(heads[newest]);
        next[newest]++;
      }
      return merged.slice(start, end);
    }
    return { total, filters, shown };
  }

  /** The page a result links to: Pagefind gives paths from the site root. */
  function resultUrl(data) {
    return new URL(data.url.replace(/^\/+/, ""), root).href;
  }

  /** An element with attributes and children; a child that is a string becomes a text node. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  /** [text, marked] pieces as nodes: text nodes, and <mark> elements holding text. */
  function marked(pieces) {
    return pieces.filter(([text]) => text).map(([text, mark]) => (mark ? el("mark", null, text) : text));
  }

  /** The words of a result's text as Pagefind counts them (its locations are indexes into them).
   * Pagefind's own excerpt escapes "<" and ">" but not "&": an editor's "&lt;" and a "<" would
   * both show as "<". The words are taken from the plain text instead, its Hangul composed again:
   * the index holds it decomposed into jamo (indexable in hooks/newsroom/search.py). */
  function contentWords(data) {
    const content = composed(data.content || "");
    const raw = typeof data.raw_content === "string" ? composed(data.raw_content) : data.raw_content;
    if (typeof raw !== "string" || !raw.includes("\u200B")) return { words: content.split(/[\r\n\s]+/g), joiner: " " };
    // A language Pagefind segments itself: its words end at zero-width spaces, which data.content has
    // lost, in a copy with "<" and ">" as "&lt;" and "&gt;"; each word is matched to the plain text.
    let at = 0;
    const words = raw.split("\u200B").map((piece) => {
      const start = at;
      for (let length = 0; length < piece.length && at < content.length; at++) {
        length += content[at] === "<" || content[at] === ">" ? 4 : 1;
      }
      return content.slice(start, at);
    });
    return { words, joiner: "" };
  }

  /** Where an excerpt of EXCERPT_WORDS words starts: around the most words found in so many words. */
  function excerptStart(locations, total) {
    const found = Array.from(new Set(locations)).sort((a, b) => a - b);
    if (!found.length || total <= EXCERPT_WORDS) return 0;
    let best = 0;
    let bestEnd = 1;
    for (let first = 0, end = 0; first < found.length; first++) {
      while (end < found.length && found[end] < found[first] + EXCERPT_WORDS) end++;
      if (end - first > bestEnd - best) { best = first; bestEnd = end; }
    }
    const middle = Math.floor((found[best] + found[bestEnd - 1] + 1 - EXCERPT_WORDS) / 2);
    return Math.max(0, Math.min(total - EXCERPT_WORDS, middle));
  }

  /** A result's excerpt as nodes, the words found in <mark>: from the text in order (title,
   * summary, dateline, the start of the body), unless the words found are only among those the
   * index keeps once each (the rest of the body, the names of the release's terms): then the
   * summary, with the words of the query marked. An excerpt never shows words past the text in
   * order. */
  function excerpt(data, query) {
    const tailFrom = parseInt(data.meta.tail_from || "0", 10);
    const locations = (data.locations || []).filter((location) => !tailFrom || location < tailFrom);
    const inOrder = locations.length > 0 || !tailFrom;
    const all = contentWords(data);
    const words = tailFrom ? all.words.slice(0, tailFrom) : all.words;
    const joiner = all.joiner;
    if (inOrder && words.some(Boolean)) {
      const start = excerptStart(locations, words.length);
      const found = new Set(locations);
      const pieces = [];
      for (let i = start; i < Math.min(words.length, start + EXCERPT_WORDS); i++) {
        if (i > start) pieces.push([joiner, false]);
        pieces.push([words[i], found.has(i)]);
      }
      const blank = (piece) => piece && !piece[1] && !piece[0].trim();
      while (blank(pieces[0])) pieces.shift();
      while (blank(pieces[pieces.length - 1])) pieces.pop();
      return marked(pieces);
    }
    // Mark the query's words in the plain summary (never inside what would be markup or an entity).
    const terms = (query || "").split(/\s+/).filter((w) => w.length > 1)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const summary = data.meta.summary || "";
    if (!terms.length) return marked([[summary, false]]);
    return marked(summary.split(new RegExp("(" + terms.join("|") + ")", "gi")).map((piece, i) => [piece, i % 2 === 1]));
  }

  function countText(count) {
    const key = count === 0 ? "results_none" : count === 1 ? "results_one" : "results_many";
    return strings[key].replace("{count}", count.toLocaleString(strings.lang));
  }

  /** Text with its runs of Hangul jamo composed into syllables (NFC), and nothing else changed. */
  function composed(text) {
    return text.replace(/[\u1100-\u11FF]+/g, (run) => run.normalize("NFC"));
  }

  /** An excerpt led by the release's content warning, where it has one (text, never HTML). */
  function warned(data, nodes) {
    return data.meta.warning ? [el("strong", { class: "nr-search__warning" }, data.meta.warning), " ", ...nodes] : nodes;
  }

  function metaLine(data) {
    return [data.meta.dateline, data.meta.date].filter(Boolean).join(" · ");
  }

  /* -- the header box: a combobox with a listbox of results ------------------------ */

  const input = form.querySelector(".nr-search__input");
  const popup = form.querySelector(".nr-search__popup");
  const list = form.querySelector(".nr-search__list");
  const status = form.querySelector(".nr-search__status");
  const all = form.querySelector(".nr-search__all");
  let active = -1;
  let searchId = 0;

  function open() {
    popup.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    popup.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function options() {
    return Array.from(list.querySelectorAll("[role=option]"));
  }

  function activate(index) {
    const found = options();
    if (!found.length) return;
    active = (index + found.length) % found.length;
    found.forEach((option, i) => option.setAttribute("aria-selected", i === active ? "true" : "false"));
    input.setAttribute("aria-activedescendant", found[active].id);
    found[active].scrollIntoView({ block: "nearest" });
  }

  async function suggest() {
    const query = input.value.trim();
    const id = ++searchId;
    all.href = new URL("search/?q=" + encodeURIComponent(query), root).href;
    if (query.length < 2) {
      close();
      list.replaceChildren();
      return;
    }
    open();
    status.textContent = strings.searching;
    let search;
    try {
      const index = await loadPagefind();
      // Wait for a pause in typing before searching. (Pagefind's debouncedSearch preloads the
      // index chunks of every prefix typed, which multiplies what a first query downloads.)
      await new Promise((resolve) => setTimeout(resolve, TYPING_PAUSE_MS));
      if (id !== searchId) return;  // a newer query is on its way
      search = await index.pagefind.search(query, {});  // an edition's index holds its own releases only
    } catch {
      status.textContent = strings.unavailable;
      return;
    }
    if (id !== searchId) return;
    const results = await Promise.all(search.results.slice(0, 6).map((r) => r.data()));
    if (id !== searchId) return;
    list.replaceChildren(...results.map((data, i) => {
      const option = document.createElement("li");
      option.id = "nr-search-option-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.href = resultUrl(data);  // an option holds no link: a listbox is not for tabbing into
      option.append(
        el("span", { class: "nr-search__title" }, data.meta.title || data.url),
        el("span", { class: "nr-search__meta" }, metaLine(data)),
        el("span", { class: "nr-search__excerpt" }, ...warned(data, excerpt(data, query))));
      return option;
    }));
    active = -1;
    input.removeAttribute("aria-activedescendant");
    status.textContent = countText(search.results.length);
  }

  input.addEventListener("input", suggest);
  input.addEventListener("focus", () => { loadPagefind().catch(() => {}); if (list.children.length) open(); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (popup.hidden) return;
      event.preventDefault();
      activate(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = options()[active].dataset.href;
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (!popup.hidden) close();
      else { input.value = ""; input.blur(); }
    }
  });
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) window.location.href = option.dataset.href;
  });
  document.addEventListener("click", (event) => { if (!form.contains(event.target)) close(); });
  document.addEventListener("keydown", (event) => {
    // "/" or "s" focuses the search box, as in Material, unless the reader is typing somewhere.
    const target = event.target;
    const typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/" || event.key === "s" || event.key === "S") {
      const field = document.getElementById("nr-q") || (input.offsetParent !== null ? input : null);
      if (field) { event.preventDefault(); field.focus(); }
    }
  }, true);

  /* -- the search page ------------------------------------------------------------ */

  const page = document.querySelector("[data-nr-search-page]");
  if (!page) return;
  const terms = JSON.parse(document.getElementById("nr-search-terms").textContent);
  const names = {};  // facet -> slug -> name, and back
  const slugs = {};
  for (const facet of Object.keys(terms)) {
    names[facet] = terms[facet];
    slugs[facet] = Object.fromEntries(Object.entries(terms[facet]).map(([slug, name]) => [name, slug]));
  }
  // An edition's names of terms the index holds under their usual ones: index name -> shown name.
  const labelsElement = document.getElementById("nr-search-labels");
  const labels = labelsElement ? JSON.parse(labelsElement.textContent) : {};
  // Each edition's index, by language: its shards' folders, newest first (one edition: the site's).
  const INDEXES = JSON.parse(document.getElementById("nr-search-indexes").textContent);
  const languageNames = (() => {
    try { return new Intl.DisplayNames([strings.lang], { type: "language" }); } catch { return null; }
  })();
  const queryInput = page.querySelector("#nr-q");
  const sortSelect = page.querySelector("#nr-sort");
  const facets = page.querySelector("#nr-facets");
  const resultsList = page.querySelector("#nr-results");
  const resultsStatus = page.querySelector("#nr-results-status");
  const pages = page.querySelector("#nr-results-pages");

  /** The state of the page, from the URL: ?q=...&country=north-korea&year=2020&sort=date&page=2 */
  function readState() {
    const params = new URLSearchParams(window.location.search);
    const filters = {};
    for (const facet of FACETS) {
      const values = params.getAll(facet).filter((v) => v && v !== ALL_LANGUAGES);
      if (values.length) filters[facet] = values;
    }
    // An edition searches its own language unless the address says otherwise (language=*: all).
    if (EDITION && !params.has("language")) filters.language = [EDITION];
    return { q: params.get("q") || "", sort: params.get("sort") === "date" ? "date" : "",
             page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1), filters };
  }

  /** The address of a state: what readState reads back. */
  function paramsOf(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    for (const facet of FACETS) for (const value of state.filters[facet] || []) params.append(facet, value);
    if (EDITION && !(state.filters.language || []).length) params.set("language", ALL_LANGUAGES);
    if (state.sort) params.set("sort", state.sort);
    if (state.page > 1) params.set("page", String(state.page));
    return params;
  }

  function writeState(state, push) {
    const params = paramsOf(state);
    const url = window.location.pathname + (params.toString() ? "?" + params : "");
    (push ? history.pushState : history.replaceState).call(history, null, "", url);
  }

  /** URL values (slugs) to Pagefind filter values (names), and back. */
  function toFilterValue(facet, value) {
    return (names[facet] && names[facet][value]) || value;
  }
  function toUrlValue(facet, value) {
    return (slugs[facet] && slugs[facet][value]) || value;
  }
  /** A filter value as Pagefind counts it: JSON-escaped, as the index holds it (see filter_value
   * in hooks/newsroom/search.py), because Pagefind looks up filters as JSON writes them. */
  function fromIndex(value) {
    try { return JSON.parse('"' + value + '"'); } catch { return value; }
  }
  function label(facet, value) {
    if (facet === "language" && languageNames) {
      try { return languageNames.of(value) || value; } catch { return value; }
    }
    return (labels[facet] && labels[facet][value]) || value;
  }

  function renderFacets(state, counts) {
    const groups = [];
    for (const facet of FACETS) {
      const values = Object.entries(counts[facet] || {}).map(([value, count]) => [fromIndex(value), count]);
      const chosen = new Set((state.filters[facet] || []).map((v) => toFilterValue(facet, v)));
      if (!values.length && !chosen.size) continue;
      values.sort((a, b) => facet === "year" ? b[0].localeCompare(a[0])
        : label(facet, a[0]).localeCompare(label(facet, b[0]), strings.lang));
      // A count of null: an edition whose index this search has not loaded (withEditions).
      const items = values.filter(([value, count]) => count > 0 || count === null || chosen.has(value)).map(([value, count]) => {
        const id = "nr-facet-" + facet + "-" + toUrlValue(facet, value).replace(/[^a-z0-9-]/gi, "_");
        const box = el("input", { type: "checkbox", id, name: facet, value: toUrlValue(facet, value) });
        if (chosen.has(value)) box.setAttribute("checked", "");
        const text = count === null ? [label(facet, value)]
          : [label(facet, value) + " ", el("span", { class: "nr-count" }, String(count))];
        return el("li", null, box, " ", el("label", { for: id }, ...text));
      });
      if (!items.length) continue;
      groups.push(el("fieldset", { class: "nr-facet" }, el("legend", null, strings[facet]), el("ul", null, ...items)));
    }
    facets.replaceChildren(...groups);
  }

  function renderPages(state, total) {
    const count = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (count < 2) { pages.hidden = true; pages.replaceChildren(); return; }
    const link = (number, text, rel) => {
      const params = paramsOf({ ...state, page: number });
      const attributes = { href: "?" + params.toString(), "data-page": String(number) };
      if (rel) attributes.rel = rel;
      return el("li", null, el("a", attributes, text));
    };
    const parts = [];
    if (state.page > 1) parts.push(link(state.page - 1, strings.previous_page, "prev"));
    parts.push(el("li", { "aria-current": "page" }, strings.page_x_of_y.replace("{x}", state.page).replace("{y}", count)));
    if (state.page < count) parts.push(link(state.page + 1, strings.next_page, "next"));
    pages.replaceChildren(el("ul", null, ...parts));
    pages.hidden = false;
  }

  /** The indexes a state searches (each its shards): on a site of several editions, those of the
   * languages chosen, or every edition's when none is; else the site's one index. */
  function indexesOf(state) {
    if (!EDITION) return Object.values(INDEXES).slice(0, 1);
    const chosen = state.filters.language || [];
    return Object.keys(INDEXES).filter((language) => !chosen.length || chosen.includes(language))
      .map((language) => INDEXES[language]);
  }

  /** On a site of several editions, the language facet lists every edition: with its count where
   * its index was searched, and without one where it was not (loaded only when the reader asks). */
  function withEditions(counts) {
    if (!EDITION) return counts;
    const languages = { ...(counts.language || {}) };
    for (const language of Object.keys(INDEXES)) if (!(language in languages)) languages[language] = null;
    return { ...counts, language: languages };
  }

  let pageSearchId = 0;

  async function run(state) {
    const id = ++pageSearchId;
    queryInput.value = state.q;
    sortSelect.value = state.sort;
    let indexes;
    try {
      indexes = await Promise.all(indexesOf(state).map((shards) => loadPagefind(shards)));
    } catch {
      resultsStatus.textContent = strings.unavailable;
      return;
    }
    const allFilters = async () => addedUp(await Promise.all(indexes.map((index) => index.pagefind.filters())));
    const filters = {};
    for (const [facet, values] of Object.entries(state.filters)) {
      filters[facet] = { any: values.map((v) => toFilterValue(facet, v)) };
    }
    // Nothing asked yet (an edition's own language is no question): the facets only. A search with
    // filters and no words makes Pagefind (1.5.2) fetch every chunk of its index's words.
    const hasFilters = Object.keys(filters).some((facet) => !(EDITION && facet === "language"
      && state.filters.language.length === 1 && state.filters.language[0] === EDITION));
    if (!state.q && !hasFilters) {
      renderFacets(state, withEditions(await allFilters()));
      resultsStatus.textContent = "";
      resultsList.replaceChildren();
      renderPages(state, 0);
      return;
    }
    resultsStatus.textContent = strings.searching;
    await allFilters();  // loads every facet, so that the counts of all of them come back
    const options = { filters };
    if (state.sort === "date" || !state.q) options.sort = { date: "desc" };
    const search = await searchAll(indexes, state.q || null, options);
    if (id !== pageSearchId) return;
    // Values of one facet add up (any of them may match): a facet's counts are those of the
    // search with every other filter, but none of its own. (Of an edition's languages, those of
    // the indexes searched: each holds one language.)
    const counts = { ...search.filters };
    for (const facet of Object.keys(filters)) {
      if (EDITION && facet === "language") continue;
      const others = { ...filters };
      delete others[facet];
      const without = (state.q || Object.keys(others).length)
        ? (await searchAll(indexes, state.q || null, { filters: others })).filters
        : await allFilters();
      counts[facet] = without[facet] || {};
    }
    if (id !== pageSearchId) return;
    const total = search.total;
    const last = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (state.page > last) state.page = last;
    const shown = await search.shown((state.page - 1) * PAGE_SIZE, state.page * PAGE_SIZE);
    if (id !== pageSearchId) return;
    renderFacets(state, withEditions(counts));
    resultsStatus.textContent = countText(total);
    resultsList.replaceChildren(...shown.map((data) => el("li", { class: "nr-result" },
      el("h2", { class: "nr-result__title" }, el("a", { href: resultUrl(data) }, data.meta.title || data.url)),
      el("p", { class: "nr-result__meta" }, metaLine(data)),
      el("p", { class: "nr-result__excerpt" }, ...warned(data, excerpt(data, state.q))))));
    renderPages(state, total);
  }

  function fromForm() {
    const state = { q: queryInput.value.trim(), sort: sortSelect.value, page: 1, filters: {} };
    for (const box of facets.querySelectorAll("input[type=checkbox]:checked")) {
      (state.filters[box.name] = state.filters[box.name] || []).push(box.value);
    }
    return state;
  }

  page.addEventListener("submit", (event) => {
    event.preventDefault();
    const state = fromForm();
    writeState(state, true);
    run(state);
  });
  page.addEventListener("change", (event) => {
    if (event.target === queryInput) return;
    const state = fromForm();
    writeState(state, true);
    run(state);
  });
  pages.addEventListener("click", (event) => {
    const target = event.target.closest("a[data-page]");
    if (!target) return;
    event.preventDefault();
    const state = readState();
    state.page = parseInt(target.dataset.page, 10);
    writeState(state, true);
    // Keyboard and screen-reader users continue from the top of the new page of results.
    run(state).then(() => {
      resultsStatus.focus({ preventScroll: true });
      resultsStatus.scrollIntoView({ block: "start" });
    });
  });
  window.addEventListener("popstate", () => run(readState()));
  run(readState());
})();
