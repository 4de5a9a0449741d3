// The search page (book/_templates/search.html): asks Pagefind's index of this language's
// pages (webinars/engine/search.py) and lists each result's title, date, status and an
// excerpt of the page's own text, the words found marked. The filters (kind, status, region,
// language, year, scope, in this language, with their counts) are written with the page, so
// Pagefind's script and index are loaded only when the visitor searches (or, to save time,
// when the words field gets the focus). The words and filters are kept in the address, so
// that a search can be shared and the browser's Back button returns to it. Nothing here puts
// a string from the index into HTML: titles, dates and excerpts become text nodes, only
// Pagefind's <mark> around a word found an element.
const root = document.querySelector("[data-wb-search]");
const form = root.querySelector("form");
const input = form.elements.q;
const selects = [...form.querySelectorAll(".wb-search-filter select")];
const status = root.querySelector(".wb-search-status");
const list = root.querySelector(".wb-search-results");
const lang = document.documentElement.lang;
const say = (text) => { status.textContent = text; };
let pagefind = null;
let latest = 0;

// Pagefind's excerpt: the page's text, with <mark> around the words found.
function excerpt(text) {
  const paragraph = document.createElement("p");
  let marked = false;
  for (const part of text.split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>" || part === "</mark>") {
      marked = part === "<mark>";
    } else if (part) {
      const node = document.createTextNode(part);
      if (marked) {
        const mark = document.createElement("mark");
        mark.append(node);
        paragraph.append(mark);
      } else {
        paragraph.append(node);
      }
    }
  }
  return paragraph;
}

function item(data) {
  const li = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  li.append(heading);
  const facts = [data.meta.date, data.meta.status].filter(Boolean);
  if (facts.length) {
    const meta = document.createElement("p");
    meta.className = "wb-meta";
    meta.textContent = facts.join(" · ");
    li.append(meta);
  }
  li.append(excerpt(data.excerpt || ""));
  return li;
}

function chosen() {
  const filters = {};
  for (const select of selects) if (select.value) filters[select.name] = select.value;
  return filters;
}

async function search() {
  const mine = ++latest;
  const words = input.value.trim();
  const filters = chosen();
  list.replaceChildren();
  if (!words && !Object.keys(filters).length) {
    say("");
    return;
  }
  say(root.dataset.searching);
  // Without words, every page the filters keep, newest first.
  const found = await pagefind.search(words || null, words ? { filters } : { filters, sort: { date: "desc" } });
  const results = await Promise.all(found.results.slice(0, 50).map((result) => result.data()));
  if (mine !== latest) return; // a newer search has started
  list.replaceChildren(...results.map(item));
  const count = new Intl.NumberFormat(lang).format(found.results.length);
  say(found.results.length ? root.dataset.results.replace("%(num)s", count) : root.dataset.none);
}

// The address holds the search: ?q=words&status=Held...
function remember(push) {
  const query = new URLSearchParams();
  if (input.value.trim()) query.set("q", input.value.trim());
  for (const [name, value] of Object.entries(chosen())) query.set(name, value);
  const address = `${location.pathname}${query.size ? `?${query}` : ""}`;
  if (address !== `${location.pathname}${location.search}`) {
    history[push ? "pushState" : "replaceState"](null, "", address);
  }
}

function restore() {
  const query = new URLSearchParams(location.search);
  input.value = query.get("q") || "";
  for (const select of selects) {
    const value = query.get(select.name) || "";
    select.value = [...select.options].some((option) => option.value === value) ? value : "";
  }
}

// The filters with a choice to make (two values or more), languages in the reader's order.
function showFilters() {
  const collator = new Intl.Collator(lang);
  for (const select of selects) {
    const values = [...select.options].slice(1);
    if (select.name === "language") {
      values.sort((a, b) => collator.compare(a.value, b.value));
      select.append(...values);
    }
    select.closest(".wb-search-filter").hidden = values.length < 2;
  }
  form.querySelector("fieldset").hidden = selects.every((select) => select.closest(".wb-search-filter").hidden);
}

// Pagefind, loaded once, the first time it is needed.
let loading = null;
function load() {
  loading ||= (async () => {
    const bundle = await import(new URL(root.dataset.bundle, document.baseURI).href);
    await bundle.options({ baseUrl: new URL(root.dataset.home, document.baseURI).pathname });
    await bundle.init();
    pagefind = bundle;
  })();
  return loading;
}

async function searchWhenReady() {
  if (!pagefind) say(root.dataset.searching);
  try {
    await load();
  } catch (error) {
    say(root.dataset.unavailable);
    return;
  }
  await search();
}

function start() {
  showFilters();
  restore();
  let typing = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    remember(true);
    searchWhenReady();
  });
  input.addEventListener("focus", () => load().catch(() => {}), { once: true });
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => { remember(false); searchWhenReady(); }, 250);
  });
  for (const select of selects) select.addEventListener("change", () => { remember(true); searchWhenReady(); });
  window.addEventListener("popstate", () => { restore(); searchWhenReady(); });
  if (location.search) searchWhenReady(); // a search shared or bookmarked
}

start();
