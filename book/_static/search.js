// The search page (book/_templates/search.html): asks Pagefind's index of this language's
// pages (webinars/engine/search.py) and lists each result's title, date, status and an
// excerpt of the page's own text, the words found marked. The filters are the index's own
// (kind, status, region, language, year, scope, in this language), with their counts. The
// words and filters are kept in the address, so that a search can be shared and the browser's
// Back button returns to it. Nothing here puts a string from the index into HTML: titles,
// dates and excerpts become text nodes, only Pagefind's <mark> around a word found an element.
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

async function fillFilters() {
  const available = await pagefind.filters();
  const collator = new Intl.Collator(lang);
  for (const select of selects) {
    const counts = available[select.name] || {};
    const values = Object.keys(counts).sort(select.name === "year" ? (a, b) => b.localeCompare(a)
                                                                   : collator.compare);
    for (const value of values) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = `${value} (${new Intl.NumberFormat(lang).format(counts[value])})`;
      select.append(option);
    }
    select.closest(".wb-search-filter").hidden = values.length < 2;
  }
  form.querySelector("fieldset").hidden = selects.every((select) => select.closest(".wb-search-filter").hidden);
}

async function start() {
  try {
    pagefind = await import(new URL(root.dataset.bundle, document.baseURI).href);
    await pagefind.options({ baseUrl: new URL(root.dataset.home, document.baseURI).pathname });
    await pagefind.init();
    await fillFilters();
  } catch (error) {
    say(root.dataset.unavailable);
    return;
  }
  restore();
  let typing = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    remember(true);
    search();
  });
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => { remember(false); search(); }, 250);
  });
  for (const select of selects) select.addEventListener("change", () => { remember(true); search(); });
  window.addEventListener("popstate", () => { restore(); search(); });
  search();
}

start();
