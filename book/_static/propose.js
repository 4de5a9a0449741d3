// The request form of the page "How to propose a topic" (templates/propose_form.html). As
// the delegate types a topic and objective, the topics and webinars of this site whose
// words are close are listed (Pagefind's index of this language, loaded on the first word
// typed). The request is written out as text, to copy or to open in an e-mail to the
// regional group's coordinator, and as YAML for a new topic's index.md. Nothing is sent:
// the page has no server. Strings from the index become text nodes, never HTML.
const root = document.querySelector("[data-wb-propose]");
const form = root.querySelector("form");
const out = root.querySelector(".wb-request-out");
const text = out.querySelector(".wb-request-text");
const yamlOut = out.querySelector(".wb-request-yaml-text");
const mail = out.querySelector("[data-wb-mail]");
const similar = root.querySelector(".wb-similar");
const labels = JSON.parse(text.dataset.labels);
form.hidden = false;

function values() {
  const data = new FormData(form);
  const chosen = (name) => [...form.querySelectorAll(`[name=${name}]:checked`)]
    .map((box) => box.closest("label").textContent.trim());
  const codes = (name) => data.getAll(name);
  const group = form.elements.group;
  return {
    title: (data.get("title") || "").trim(),
    objective: (data.get("objective") || "").trim(),
    audience: (data.get("audience") || "").trim(),
    languages: chosen("languages"), languageCodes: codes("languages"),
    regions: chosen("regions"), regionCodes: codes("regions"),
    kind: data.get("kind"),
    group: group.selectedOptions[0].textContent.trim(), groupId: group.value,
    address: group.selectedOptions[0].dataset.address || "",
    by: (data.get("by") || "").trim(),
  };
}

// The request in the page's language: each field under its label.
function request(v) {
  const line = (key, value) => `${labels[key]}:\n${value || "—"}\n`;
  return [
    line("title", v.title), line("objective", v.objective), line("audience", v.audience),
    line("languages", v.languages.join(", ")), line("regions", v.regions.join(", ")),
    line("kind", labels[v.kind]), line("group", v.group), line("by", v.by),
  ].join("\n");
}

// A topic's facts as content/topics/<id>/index.md starts (docs/content.md): JSON strings are YAML.
function yaml(v) {
  const quoted = (s) => JSON.stringify(s);
  const list = (items) => `[${items.map(quoted).join(", ")}]`;
  const by = v.by ? v.by.split(/[,;]/).map((s) => s.trim()).filter(Boolean) : [];
  return [
    "---",
    `title: ${quoted(v.title)}`,
    `lang: ${document.documentElement.lang}`,
    "scope: cooperation   # conference, ip-and-development, da-projects, project-ideas, cooperation, experiences, new-challenges",
    "route: request",
    `proposed_by: ${list([...by, v.groupId])}`,
    `proposed: ${new Date().toISOString().slice(0, 10)}`,
    "status: proposed",
    `objective: ${quoted(v.objective)}`,
    `audience: ${quoted(v.audience)}`,
    `regions: ${list(v.regionCodes)}`,
    `languages: ${list(v.languageCodes)}`,
    "---",
    "",
  ].join("\n");
}

function update() {
  const v = values();
  out.hidden = !(v.title || v.objective);
  text.value = request(v);
  yamlOut.textContent = yaml(v);
  const subject = root.dataset.subject.replace("%(title)s", v.title);
  mail.href = `mailto:${encodeURIComponent(v.address)}?subject=${encodeURIComponent(subject)}`
    + `&body=${encodeURIComponent(text.value)}`;
}

// ---- the topics and webinars close to the words typed --------------------------------
let pagefind = null;
let latest = 0;
async function load() {
  if (!pagefind) {
    const bundle = await import(new URL(root.dataset.bundle, document.baseURI).href);
    await bundle.options({ baseUrl: new URL(root.dataset.home, document.baseURI).pathname });
    await bundle.init();
    pagefind = bundle;
  }
  return pagefind;
}

async function lookUp() {
  const mine = ++latest;
  const words = `${form.elements.title.value} ${form.elements.objective.value}`.trim();
  const status = similar.querySelector(".wb-similar-status");
  const list = similar.querySelector(".wb-similar-list");
  if (words.length < 3) {
    similar.hidden = true;
    return;
  }
  let found;
  try {
    const index = await load();
    // Any of the words, not all: a request is worded differently from a page.
    const terms = words.split(/\s+/).filter((w) => w.length > 2).slice(0, 12);
    const searches = await Promise.all(terms.map((term) => index.search(term)));
    const scores = new Map();
    for (const search of searches) {
      for (const result of search.results.slice(0, 20)) {
        const seen = scores.get(result.id) || { result, score: 0 };
        seen.score += result.score;
        scores.set(result.id, seen);
      }
    }
    const best = [...scores.values()].sort((a, b) => b.score - a.score).slice(0, 10);
    // Webinars and topics only (their pages give a status), not the lists that name them.
    found = (await Promise.all(best.map(({ result }) => result.data()))).filter((page) => page.meta.status).slice(0, 5);
  } catch (error) {
    return; // no index (a page opened from the disk): the form works without it
  }
  if (mine !== latest) return;
  similar.hidden = false;
  status.textContent = found.length ? root.dataset.found : root.dataset.none;
  list.replaceChildren(...found.map((page) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = page.url;
    link.textContent = page.meta.title || page.url;
    li.append(link);
    const facts = [page.meta.status, page.meta.date].filter(Boolean).join(" · ");
    if (facts) li.append(` (${facts})`);
    return li;
  }));
}

let typing = null;
form.addEventListener("input", (event) => {
  update();
  if (event.target.name === "title" || event.target.name === "objective") {
    clearTimeout(typing);
    typing = setTimeout(lookUp, 300);
  }
});
form.addEventListener("change", update);
form.addEventListener("submit", (event) => event.preventDefault());
out.querySelector("[data-wb-copy]").addEventListener("click", async () => {
  const said = out.querySelector(".wb-copied");
  try {
    await navigator.clipboard.writeText(text.value);
  } catch (error) {
    text.select();
    document.execCommand("copy");
  }
  said.textContent = root.dataset.copied;
});
update();
