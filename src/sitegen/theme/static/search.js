// The search page, and `find`, the search itself (the tests call it too).
//
// The index (sitegen.search.format, in search-index/ beside the pages) is an inverted index of
// character bigrams, sharded by token. A query is folded and cut into tokens exactly as
// sitegen.search.tokens cuts an article (each character alone, each pair of neighbours, each
// Latin word), and only the shards of those tokens are fetched: the articles that hold every
// token are the candidates. A long phrase is pinned by its rarest pairs: the articles that hold
// its RAREST rarest hold the rest too but for a few (a shard tells how many articles hold each
// token, so the others' postings, a third of all articles for 发展, are never fetched).
// Excerpts come from the result's own page, fetched for the results the reader can see; an
// article whose text turns out not to hold the phrase (its pairs stood apart) is dropped there. The facet column (each article's category and source) is read only
// to filter, or to count once the filters are opened. Nothing leaves the site and nothing runs
// on a server.
//
// An archive in parts (sitegen.parts) publishes an index per part and lists the parts in the
// front door's parts.json (the page's data-parts): a search asks every part and merges. A part
// holds one span of dates and the spans never overlap, so one index's order (title hits first,
// then newest first) is each part's, newest part first; facet counts add up. A part that cannot
// be reached is named, and the rest are shown.

const VERSION = 4;
const [UNIGRAM, BIGRAM, WORD] = [1, 2, 3];
const [GAPS, BITMAP, OUTSIDE, RICE] = [0, 1, 2, 3];
const RUN_RANGES = [
  [0x3000, 0xa000],
  [0xf900, 0xfb00],
  [0x20000, 0x323b0],
];
const ALNUM = /^[\p{L}\p{N}]$/u;
const [OTHER, RUN, WORDY] = [0, 1, 2];
const PAGE = 10;
// The pairs of a phrase whose every article is fetched: its three rarest give the candidates of
// all its pairs but for a few in a hundred (measured at 75,000 articles a part).
const RAREST = 3;
// A token held by this few articles in all is in its shard in every part (its postings take
// under EXTERNAL bytes there): using it too costs nothing.
const FREE = 256;

// --- the index's files --------------------------------------------------------------------------

const root = typeof document === "undefined" ? null : document.getElementById("search");
const indexUrl = root?.dataset.index ?? new URL("search-index/", import.meta.url).href;
const base = root?.dataset.base ?? new URL(".", import.meta.url).pathname;
const partsUrl = root?.dataset.parts ?? null;

// A reader of one index's files (each fetched once), at `url`.
const reader = (url) => {
  const files = new Map();
  return (path, as) => load(files, new URL(path, new URL(url, location.href)), as);
};

function load(files, path, as) {
  if (!files.has(path.href)) {
    const made = fetch(path).then(async (response) => {
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      if (as === "gzip") {
        const plain = response.body.pipeThrough(new DecompressionStream("gzip"));
        return new Uint8Array(await new Response(plain).arrayBuffer());
      }
      return as === "json" ? response.json() : as === "text" ? response.text() : new Uint8Array(await response.arrayBuffer());
    });
    files.set(path.href, made);
    made.catch(() => files.delete(path.href));
  }
  return files.get(path.href);
}

const opened = new Map();

// An index's index.json, once; `fold` fills as folding files are loaded; `base` is where the
// pages of its URLs are.
function open(url = indexUrl, pages = base) {
  if (!opened.has(url)) {
    const load = reader(url);
    const made = load("index.json", "json").then((index) => {
      if (!index || index.version !== VERSION) throw new Error(`search index version ${index?.version}, want ${VERSION}`);
      const groups = index.groups.map(([source, paths]) => [index.sources[source], paths.map((p) => index.categories[p])]);
      return { ...index, groups, fold: new Map(), folds: index.fold, load, base: pages };
    });
    made.catch(() => opened.delete(url));
    opened.set(url, made);
  }
  return opened.get(url);
}

let listed = null;

// The parts to ask, newest first: each its name, address and index (a promise); this site's own
// index alone when it is not in parts, or when parts.json cannot be read (then `missing` says so).
function parts() {
  listed ??= (async () => {
    if (!partsUrl) return { parts: [{ name: "", url: "", index: open() }], missing: [] };
    const listing = await fetch(partsUrl)
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null);
    if (!listing) return { parts: [{ name: "", url: "", index: open() }], missing: ["parts.json"] };
    const newest = [...listing.parts].reverse();
    return {
      parts: newest.map((part) => ({ ...part, index: open(new URL("search-index/", part.url).href, part.url) })),
      missing: [],
    };
  })();
  return listed;
}

// Every reachable part's index (newest first), and the names of those that could not be reached.
async function reached() {
  const { parts: all, missing } = await parts();
  const settled = await Promise.allSettled(all.map((part) => part.index));
  const indexes = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const lost = all.filter((_, i) => settled[i].status === "rejected").map((part) => part.name || part.url);
  if (!indexes.length) throw new Error(`no search index could be reached: ${[...missing, ...lost].join(", ")}`);
  return { indexes, missing: [...missing, ...lost] };
}

const codePoints = (text) => [...text].map((c) => c.codePointAt(0));

// Strings in code point order, as Python sorts them (sort() compares UTF-16 units).
function byCodePoint(a, b) {
  const [x, y] = [codePoints(a), codePoints(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

// What the filter menus list: every part's years, sources and categories, as one index has them.
async function catalog() {
  const { indexes, missing } = await reached();
  const union = (name) => (indexes.length === 1 ? indexes[0][name] : [...new Set(indexes.flatMap((index) => index[name]))].sort(byCodePoint));
  const years = [...new Set(indexes.flatMap((index) => index.years.map(([year]) => year)))].sort((a, b) => a - b);
  return { years: years.map((year) => [year]), sources: union("sources"), categories: union("categories"), missing, fold: indexes[0].fold };
}

// Load the folding pairs of these characters' blocks (the files that hold them) into index.fold.
async function loadFolding(index, chars) {
  const fileOf = (block) => index.folds.find(([first, last]) => first <= block && block <= last)?.[0];
  const files = [...new Set(chars.map((c) => fileOf(c.codePointAt(0) >> 8)))].filter((f) => f !== undefined);
  const texts = await Promise.all(files.map((f) => index.load(`fold/${f.toString(16)}.txt`, "text")));
  for (const text of texts) {
    const pairs = [...(text ?? "")];
    for (let i = 0; i + 1 < pairs.length; i += 2) index.fold.set(pairs[i], pairs[i + 1]);
  }
}

// Fold a query: its characters' folding pairs first, then those of what they fold to, so that
// every character that folds the same way is known when excerpts are marked.
async function folded(index, query) {
  const plain = [...query.normalize("NFC")].flatMap((c) => [...foldChar(c, new Map())]);
  await loadFolding(index, plain);
  await loadFolding(index, [...foldText(query, index.fold)]);
}

// --- folding and tokens: the same as sitegen.search.tokens ---------------------------------------

function classOf(char) {
  if (!ALNUM.test(char)) return OTHER;
  const point = char.codePointAt(0);
  return RUN_RANGES.some(([low, high]) => point >= low && point < high) ? RUN : WORDY;
}

// One character folded: compatibility form of letters and digits, lower case, Simplified.
function foldChar(char, fold) {
  const plain = char.normalize("NFKC");
  const chosen = [...plain].some((c) => ALNUM.test(c)) ? plain : char;
  return [...chosen.toLowerCase()].map((c) => fold.get(c) ?? c).join("");
}

const foldText = (text, fold) => [...text.normalize("NFC")].map((c) => foldChar(c, fold)).join("");

function mix(kind, a, b) {
  let h = Math.imul(kind, 0x9e3779b1) >>> 0;
  h = Math.imul((h ^ a) >>> 0, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  h = Math.imul((h ^ b) >>> 0, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0x27d4eb2f) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function fnv1a(word) {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(word)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

// A query's phrases (cut at spaces and punctuation), each with the tokens an article must hold.
function phrasesOf(query, fold) {
  const phrases = [];
  let current = [];
  const close = () => {
    if (current.length) phrases.push(current);
    current = [];
  };
  for (const char of foldText(query, fold)) {
    const kind = classOf(char);
    if (kind === OTHER) close();
    else current.push([kind, char]);
  }
  close();
  return phrases.map((chars) => {
    const tokens = new Set();
    for (let i = 0; i < chars.length; ) {
      let j = i;
      while (j < chars.length && chars[j][0] === chars[i][0]) j++;
      const part = chars.slice(i, j).map(([, char]) => char);
      if (chars[i][0] === WORDY) tokens.add(mix(WORD, fnv1a(part.join("")), 0));
      else if (part.length === 1) tokens.add(mix(UNIGRAM, part[0].codePointAt(0), 0));
      else for (let k = 0; k + 1 < part.length; k++) tokens.add(mix(BIGRAM, part[k].codePointAt(0), part[k + 1].codePointAt(0)));
      i = j;
    }
    return { text: chars.map(([, char]) => char).join(""), tokens: [...tokens] };
  });
}

// --- postings -----------------------------------------------------------------------------------

function varint(bytes, at) {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
}

function postings(kind, bytes) {
  const ids = [];
  if (kind === GAPS) {
    for (let at = 0, id = -1; at < bytes.length; ) {
      let gap;
      [gap, at] = varint(bytes, at);
      id += gap + 1;
      ids.push(id);
    }
  } else if (kind === RICE) {
    // varint n << 5 | k, then each gap's low k bits, then each gap's high part in unary (0s, a 1)
    const [head, start] = varint(bytes, 0);
    const n = Math.floor(head / 32);
    const k = head % 32;
    const bit = (i) => (bytes[start + (i >> 3)] >> (i & 7)) & 1;
    for (let j = 0, unary = n * k, id = -1; j < n; j++) {
      let high = 0;
      while (!bit(unary++)) {
        if (start + (unary >> 3) >= bytes.length) throw new Error("a Rice-coded list runs past the end");
        high++;
      }
      let low = 0;
      for (let b = k - 1; b >= 0; b--) low = low * 2 + bit(j * k + b);
      id += high * 2 ** k + low + 1;
      ids.push(id);
    }
  } else if (kind === BITMAP) {
    bytes.forEach((byte, i) => {
      for (let bit = 0; byte; bit++, byte >>= 1) if (byte & 1) ids.push(i * 8 + bit);
    });
  } else {
    throw new Error(`unknown postings kind ${kind}`);
  }
  return ids;
}

// A token in one segment (s/: the base, t/: the tail, its ids stored less `first`): how many
// articles hold it, those whose title does, and every one (null: in its own file, p/).
async function entryIn(index, folder, bits, first, token) {
  const none = { count: 0, all: [], title: [] };
  const digits = Math.ceil(bits / 4);
  const shard = (bits ? token >>> (32 - bits) : 0).toString(16).padStart(digits, "0"); // >>> 32 is >>> 0
  const bytes = await index.load(`${folder}/${shard}.bin`);
  if (!bytes) return none;
  if (bytes[0] !== VERSION) throw new Error(`shard ${shard}: version ${bytes[0]}`);
  for (let at = 1, current = 0; at < bytes.length; ) {
    let gap, head;
    [gap, at] = varint(bytes, at);
    [head, at] = varint(bytes, at);
    current += gap;
    const length = Math.floor(head / 8);
    const kind = Math.floor(head / 2) % 4;
    const data = bytes.subarray(at, at + length);
    at += length;
    let title = [];
    if (head % 2) {
      let titleHead;
      [titleHead, at] = varint(bytes, at);
      const titleLength = Math.floor(titleHead / 4);
      title = postings(titleHead % 4, bytes.subarray(at, at + titleLength));
      at += titleLength;
    }
    if (current > token) break;
    if (current < token) continue;
    const moved = (ids) => (first ? ids.map((id) => id + first) : ids);
    if (kind === OUTSIDE) return { count: varint(data, 0)[0], all: null, title };
    const all = moved(postings(kind, data));
    return { count: all.length, all, title: moved(title) };
  }
  return none;
}

// A token in one index (base and tail): how many articles hold it, those whose title does, and
// `all()`, every one (the base's own file is fetched then, only for the tokens a search uses).
async function held(index, token) {
  const none = { count: 0, all: [], title: [] };
  const [base, tail] = await Promise.all([
    index.tail > 0 ? entryIn(index, "s", index.shard_bits, 0, token) : none,
    index.tail < index.docs ? entryIn(index, "t", index.tail_bits, index.tail, token) : none,
  ]);
  const own = async () => {
    const data = await index.load(`p/${token.toString(16).padStart(8, "0")}.bin`);
    return data ? postings(data[1], data.subarray(2)) : [];
  };
  const all = async () => (base.all ?? (await own())).concat(tail.all);
  return { count: base.count + tail.count, title: base.title.concat(tail.title), all };
}

// The tokens whose every article a search fetches: each phrase's RAREST rarest (by the articles
// that hold them in all parts, as one index would count them) and those held by at most FREE.
function used(phrases, totals) {
  const chosen = new Set();
  for (const { tokens } of phrases) {
    const rarest = [...tokens].sort((a, b) => totals.get(a) - totals.get(b) || a - b);
    rarest.forEach((token, i) => {
      if (i < RAREST || totals.get(token) <= FREE) chosen.add(token);
    });
  }
  return chosen;
}

function intersect(lists) {
  if (!lists.length) return [];
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  let result = sorted[0];
  for (const list of sorted.slice(1)) {
    const set = new Set(list);
    result = result.filter((id) => set.has(id));
  }
  return result;
}

// --- facets: category, source, year -------------------------------------------------------------

const yearOf = (index, id) => {
  let year = null;
  for (const [y, first] of index.years) if (first <= id) year = String(y);
  return year;
};

async function groupsOf(index, ids) {
  const blocks = [...new Set(ids.map((id) => Math.floor(id / index.facet_block)))];
  const loaded = await Promise.all(blocks.map((b) => index.load(`f/${b}.gz`, "gzip")));
  const columns = new Map(blocks.map((b, i) => [b, new Uint16Array(loaded[i].buffer, 0, loaded[i].length / 2)]));
  return (id) => index.groups[columns.get(Math.floor(id / index.facet_block))[id % index.facet_block]];
}

function valuesOf(index, group, id) {
  return { category: group[1], source: group[0] ? [group[0]] : [], year: [yearOf(index, id)] };
}

// Per facet, how many candidates each value has among those the other filters keep.
function countsOf(index, ids, groupOf, filters) {
  const counts = { category: {}, source: {}, year: {} };
  for (const id of ids) {
    const values = valuesOf(index, groupOf(id), id);
    for (const name of Object.keys(counts)) {
      const others = Object.entries(filters).every(([f, v]) => f === name || values[f].includes(v));
      if (others) for (const value of values[name]) counts[name][value] = (counts[name][value] ?? 0) + 1;
    }
  }
  return counts;
}

// --- the search ---------------------------------------------------------------------------------

/** The articles that hold every phrase of `query`, within `filters` ({category, source, year}):
 * in every part, title hits first then newest first (or newest first with sort "date"), each
 * result its id and its part's index. The facet column (every candidate's category and source)
 * is read only when a filter is chosen; `counts()` gives each filter's values within the other
 * filters (the page asks when the filters are opened); `missing`, the parts not reached. */
export async function find(query, filters = {}, sort = "") {
  const { indexes, missing } = await reached();
  await folded(indexes[0], query); // folding is the same in every part (OpenCC's): read once
  const phrases = phrasesOf(query, indexes[0].fold);
  const tokens = [...new Set(phrases.flatMap((p) => p.tokens))];
  const entries = await Promise.all(indexes.map((index) => Promise.all(tokens.map((t) => held(index, t)))));
  const totals = new Map(tokens.map((t, i) => [t, entries.reduce((sum, part) => sum + part[i].count, 0)]));
  const chosen = used(phrases, totals);
  const pinning = tokens.map((t) => chosen.has(t));
  const found = await Promise.all(indexes.map((index, n) => findIn(index, entries[n], pinning, filters, sort)));
  const titled = sort === "date" ? [] : found.flatMap((part) => part.titled);
  const results = [...titled, ...found.flatMap((part) => part.rest)];
  const counts = async () => {
    const sums = { category: {}, source: {}, year: {} };
    for (const part of await Promise.all(found.map((f) => f.counts()))) {
      for (const [name, values] of Object.entries(part)) {
        for (const [value, n] of Object.entries(values)) sums[name][value] = (sums[name][value] ?? 0) + n;
      }
    }
    return sums;
  };
  return { phrases, results, counts, index: indexes[0], missing };
}

// One index's part of a search, from its entries of the query's tokens (`pinning`: those whose
// every article is fetched): its title hits and the rest (all in `rest` with sort "date").
async function findIn(index, entries, pinning, filters, sort) {
  let candidates = [];
  let inTitle = new Set();
  if (entries.length) {
    candidates = intersect(await Promise.all(entries.filter((_, i) => pinning[i]).map((e) => e.all())));
    inTitle = new Set(intersect(entries.map((e) => e.title)));
  }
  let kept = candidates;
  if (Object.keys(filters).length) {
    const groupOf = await groupsOf(index, candidates);
    kept = candidates.filter((id) => {
      const values = valuesOf(index, groupOf(id), id);
      return Object.entries(filters).every(([name, value]) => values[name].includes(value));
    });
  }
  kept = [...kept].reverse().map((id) => ({ id, index }));
  const titled = sort === "date" ? [] : kept.filter((result) => inTitle.has(result.id));
  const rest = sort === "date" ? kept : kept.filter((result) => !inTitle.has(result.id));
  const counts = async () => countsOf(index, candidates, await groupsOf(index, candidates), filters);
  return { titled, rest, counts };
}

// The first trail, whole: its levels come first among the group's category paths.
function shownCategory(paths) {
  let shown = paths[0] ?? "";
  for (const path of paths.slice(1)) {
    if (!path.startsWith(`${shown} › `)) break;
    shown = path;
  }
  return shown;
}

async function metaOf({ id, index }) {
  const block = await index.load(`m/${Math.floor(id / index.meta_block)}.json.gz`, "gzip");
  const rows = JSON.parse(new TextDecoder().decode(block));
  const [url, title, day, group] = rows[id % index.meta_block];
  const [source, paths] = index.groups[group];
  const href = index.base + encodeURI(url.replace(/^\//, ""));
  return { url, href, title, day, source, category: shownCategory(paths) };
}

// --- excerpts -----------------------------------------------------------------------------------

const BLOCKS = new Set(["P", "DIV", "BR", "LI", "TR", "TD", "TH", "H1", "H2", "H3", "H4", "H5", "H6", "FIGURE", "FIGCAPTION", "BLOCKQUOTE", "TABLE", "UL", "OL", "PRE", "HR", "SECTION"]);

// An article's searchable text, from its page: 原标题 and the body, a line per block.
async function pageText(href) {
  const response = await fetch(href);
  if (!response.ok) return null;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) parts.push(node.data);
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (BLOCKS.has(node.tagName)) parts.push("\n");
    node.childNodes.forEach(walk);
    if (BLOCKS.has(node.tagName)) parts.push("\n");
  };
  page.querySelectorAll(".article-original-title, .article-body").forEach(walk);
  return parts.join("").replace(/\s*\n\s*/g, "\n").trim();
}

// Folded one character for one (an expansion keeps the character), so spans map back.
const foldOne = (char, fold) => {
  const folded = foldChar(char, fold);
  return [...folded].length === 1 ? folded : char.toLowerCase();
};

// Where the phrases stand in a text: [start, end) in characters, first come first.
function spans(chars, phrases, fold) {
  const folded = chars.map((c) => foldOne(c, fold));
  const needles = phrases.map((p) => [...p.text].map((c) => foldOne(c, fold))).sort((a, b) => b.length - a.length);
  const found = [];
  for (let i = 0; i < folded.length; ) {
    const needle = needles.find((n) => n.length && n.every((c, j) => folded[i + j] === c));
    if (needle) {
      found.push([i, i + needle.length]);
      i += needle.length;
    } else {
      i += 1;
    }
  }
  return found;
}

function marked(chars, ranges, from = 0, to = chars.length) {
  const nodes = [];
  let at = from;
  for (const [start, end] of ranges) {
    if (start < from || end > to) continue;
    if (start > at) nodes.push(chars.slice(at, start).join(""));
    const mark = document.createElement("mark");
    mark.textContent = chars.slice(start, end).join("");
    nodes.push(mark);
    at = end;
  }
  if (at < to) nodes.push(chars.slice(at, to).join(""));
  return nodes;
}

function excerpt(chars, ranges) {
  const from = Math.max(0, (ranges[0]?.[0] ?? 0) - 24);
  const to = Math.min(chars.length, from + 150);
  return [from > 0 ? "…" : "", ...marked(chars, ranges, from, to), to < chars.length ? "…" : ""];
}

// Whether every phrase occurs in the title or the text (else the pairs only stood apart).
function holds(phrases, fold, ...texts) {
  const folded = texts.map((t) => [...t].map((c) => foldOne(c, fold)).join(""));
  return phrases.every((p) => {
    const needle = [...p.text].map((c) => foldOne(c, fold)).join("");
    return folded.some((t) => t.includes(needle));
  });
}

// --- the page -----------------------------------------------------------------------------------

// What a search says of the parts it could not reach (their articles are not among the results).
const unreached = (missing) => (missing.length ? `其中 ${missing.join("、")} 部分暂时无法连接，结果不含其文章。` : "");

function element(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

function resultNode(meta, phrases, fold) {
  const title = [...meta.title];
  const link = element("a", "", ...marked(title, spans(title, phrases, fold)));
  link.href = meta.href;
  const line = element("div", "card-meta");
  const time = element("time", "", meta.day);
  time.dateTime = meta.day;
  line.append(time);
  if (meta.category) line.append(element("span", "search-category", meta.category));
  if (meta.source) line.append(element("span", "card-source", `来源：${meta.source}`));
  const summary = element("p", "card-summary search-excerpt", "…");
  const body = element("div", "card-text", element("h2", "card-title", link), line, summary);
  return element("article", "card search-result", body);
}

// Fill a result's excerpt from its page; drop it (false) when its text does not hold the phrases.
async function fillExcerpt(node, meta, phrases, fold) {
  const text = await pageText(meta.href).catch(() => null);
  const summary = node.querySelector(".search-excerpt");
  if (text === null) {
    summary.textContent = "";
    return true;
  }
  if (!holds(phrases, fold, meta.title, text)) {
    node.remove();
    return false;
  }
  const chars = [...text];
  summary.replaceChildren(...excerpt(chars, spans(chars, phrases, fold)));
  return true;
}

// Resolves when the node comes near the viewport: a result's page is fetched for its excerpt
// only when the reader may see it (on a phone, the first two or three).
function whenNear(node) {
  return new Promise((resolve) => {
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          observer.disconnect();
          resolve();
        }
      },
      { rootMargin: "200px 0px" },
    );
    observer.observe(node);
  });
}

function page(root) {
  const form = root.querySelector(".search-form");
  const input = form.elements.q;
  const selects = { category: form.elements.category, source: form.elements.source, year: form.elements.year };
  const sortSelect = form.elements.sort;
  const options = form.querySelector(".search-options");
  const status = root.querySelector(".search-status");
  const list = root.querySelector(".search-results");
  const more = root.querySelector(".search-more");
  const title = document.title;
  let index = null;
  let current = 0; // the latest search; an older one that finishes late draws nothing
  let pending = [];
  let phrases = [];
  let total = 0;
  let counted = () => {};
  let latest = null; // what the latest search found

  // The filter menus count the results within the other filters, once they are open: counting
  // reads every candidate's category and source, which a reader who never filters need not load.
  async function showCounts(id) {
    if (!options.open || !latest || id !== current) return;
    const counts = await latest.counts();
    if (id !== current) return;
    for (const name of Object.keys(selects)) fill(name, counts[name]);
  }

  // A result whose page did not hold the phrase after all (its pairs stood apart) was dropped.
  const dropped = () => {
    total -= 1;
    counted();
  };

  const say = (text) => {
    status.textContent = text;
  };

  const chosen = () =>
    Object.fromEntries(Object.entries(selects).filter(([, select]) => select.value).map(([name, s]) => [name, s.value]));

  function allValues(name) {
    if (name === "year") return index.years.map(([year]) => String(year)).reverse();
    return (name === "source" ? index.sources : index.categories).filter(Boolean);
  }

  // Category values are full paths ("金融 › 新浪财经"): sorted, a child follows its parent, indented.
  // With counts, only values that have results are listed (and the one chosen).
  function fill(name, counts) {
    const select = selects[name];
    const value = select.value;
    select.length = 1;
    for (const path of allValues(name)) {
      const count = counts ? counts[path] ?? 0 : null;
      if (count === 0 && path !== value) continue;
      const levels = name === "category" ? path.split(" › ") : [path];
      const label = `${"\u3000".repeat(levels.length - 1)}${levels.at(-1)}${count === null ? "" : `（${count}）`}`;
      const option = new Option(label, path);
      option.title = path;
      select.add(option);
    }
    select.value = value;
  }

  async function showMore(id) {
    const batch = pending.splice(0, PAGE);
    more.hidden = true;
    const metas = await Promise.all(batch.map(metaOf));
    if (id !== current) return null;
    const nodes = metas.map((meta) => resultNode(meta, phrases, index.fold));
    list.append(...nodes);
    more.hidden = pending.length === 0;
    // Wrapped: awaiting showMore must not wait for excerpts that may never come into view.
    const fill = async (node, meta) => {
      await whenNear(node);
      if (!(await fillExcerpt(node, meta, phrases, index.fold)) && id === current) dropped();
    };
    return { excerpts: Promise.all(nodes.map((node, i) => fill(node, metas[i]))) };
  }

  async function search() {
    const id = ++current;
    const q = input.value.trim();
    const filters = chosen();
    const sort = sortSelect.value;
    const params = new URLSearchParams({ ...(q ? { q } : {}), ...filters, ...(sort ? { sort } : {}) });
    history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
    document.title = q ? `${q} - ${title}` : title;
    list.replaceChildren();
    more.hidden = true;
    pending = [];
    latest = null;
    if (!q) {
      for (const name of Object.keys(selects)) fill(name, null);
      say("输入词语或句子，搜索全部文章的标题和正文。");
      return;
    }
    say("正在搜索…");
    performance.mark("sitegen:search");
    const found = await find(q, filters, sort);
    if (id !== current) return;
    latest = found;
    for (const name of Object.keys(selects)) fill(name, null);
    ({ phrases } = found);
    pending = found.results;
    const narrowed = Object.keys(filters).length > 0;
    if (!pending.length) {
      await showCounts(id);
      const none = narrowed ? `在所选分类、来源或年份中没有找到“${q}”，试试“全部”。` : `没有找到包含“${q}”的文章。`;
      say(none + unreached(found.missing));
      return;
    }
    total = pending.length;
    const shown = await showMore(id);
    if (id !== current) return;
    performance.mark("sitegen:results"); // the benchmark reads when the first results showed
    await showCounts(id);
    if (id !== current) return;
    counted = () => say(`找到 ${total} 篇包含“${q}”的文章${narrowed ? "（已筛选）" : ""}。${unreached(found.missing)}`);
    counted();
    await shown?.excerpts;
  }

  async function start() {
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    // Every other page reaches search by a link (the header's 搜索): arriving without a query,
    // a reader types at once.
    if (!input.value) input.focus();
    try {
      index = await catalog();
    } catch (error) {
      say("搜索索引没能载入，请稍后再试，或按分类、按归档浏览。");
      throw error;
    }
    for (const [name, select] of Object.entries(selects)) {
      fill(name, null);
      select.value = params.get(name) || "";
    }
    sortSelect.value = params.get("sort") === "date" ? "date" : "";
    options.open = ["category", "source", "year", "sort"].some((name) => params.get(name));
    options.hidden = false;
    options.addEventListener("toggle", () => showCounts(current));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      search();
    });
    for (const select of [...Object.values(selects), sortSelect]) select.addEventListener("change", search);
    more.addEventListener("click", () => showMore(current));
    await search();
  }

  start();
}

if (root) page(root);
