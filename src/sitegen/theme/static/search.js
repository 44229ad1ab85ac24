// The search page, and `find`, the search itself (the tests call it too).
//
// The index (search.py) holds every run of Chinese characters as its overlapping character
// bigrams plus the run's last character, written as ASCII codes. A query is cut the same way and
// asked twice of Pagefind: as loose words, for the ranking (title hits first), and as an exact
// phrase, to keep only the articles in which the characters really stand in that order. So any
// run of characters that occurs in an article finds it. Excerpts are decoded from those codes.
// Nothing leaves the site: pagefind.js and its index are files next to the pages.

const CODE = "ǂ"; // a run's token: 3 base-36 digits per character
const RARE = "ǁ"; // a character outside the compact range: base-36 code point
const TITLED = "ǃ"; // a token of the title's second copy
const GAP = "\ue000"; // whitespace in the text
const TITLE_END = "\ue001"; // between the title's tokens and the text's
const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
const COMPACT = [
  [0x3000, 0xa000],
  [0xf900, 0xfb00],
];
const RARE_CJK = [0x20000, 0x323b0];
const WORD = /^[\p{L}\p{N}]$/u;
const SPACE = /^\s$/u;

// --- the same tokens as search.py -------------------------------------------------------------

function code(char) {
  let offset = 0;
  const point = char.codePointAt(0);
  for (const [low, high] of COMPACT) {
    if (point >= low && point < high) {
      const index = offset + point - low;
      return DIGITS[Math.floor(index / 1296)] + DIGITS[Math.floor(index / 36) % 36] + DIGITS[index % 36];
    }
    offset += high - low;
  }
  return null;
}

function decode(digits) {
  let index = DIGITS.indexOf(digits[0]) * 1296 + DIGITS.indexOf(digits[1]) * 36 + DIGITS.indexOf(digits[2]);
  for (const [low, high] of COMPACT) {
    if (index < high - low) return String.fromCodePoint(low + index);
    index -= high - low;
  }
  return "";
}

function kindOf(char) {
  if (!WORD.test(char)) return SPACE.test(char) ? "gap" : "mark";
  if (code(char) !== null) return "run";
  const point = char.codePointAt(0);
  return point >= RARE_CJK[0] && point < RARE_CJK[1] ? "rare" : "word";
}

// (kind, character) in compatibility form (ｑ３ → q3), punctuation as written.
function* characters(text) {
  for (const char of text.normalize("NFC")) {
    const plain = [...char.normalize("NFKC")];
    const kinds = plain.map(kindOf);
    if (kinds.every((kind) => kind === "gap" || kind === "mark")) {
      yield [SPACE.test(char) ? "gap" : "mark", char];
    } else {
      for (let i = 0; i < plain.length; i++) yield [kinds[i], plain[i]];
    }
  }
}

function* segments(text) {
  let kind = null;
  let chars = [];
  for (const [next, char] of characters(text)) {
    if (next !== kind && chars.length) {
      yield { kind, chars };
      chars = [];
    }
    kind = next;
    chars.push(char);
  }
  if (chars.length) yield { kind, chars };
}

// A query's phrases: cut at whitespace and punctuation, as the index cuts the text. The last
// token of a phrase is "open" when the text may go on after it (a lone last character, a word
// being typed): it is matched as a prefix, and the articles where it is whole rank first.
function phrasesOf(query) {
  const phrases = [];
  let current = [];
  for (const segment of segments(query)) {
    if (segment.kind === "gap" || segment.kind === "mark") {
      if (current.length) phrases.push(current);
      current = [];
    } else {
      current.push(segment);
    }
  }
  if (current.length) phrases.push(current);
  return phrases.map((parts) => {
    const tokens = [];
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      if (part.kind === "run") {
        const codes = part.chars.map(code);
        for (let j = 0; j + 1 < codes.length; j++) tokens.push({ token: CODE + codes[j] + codes[j + 1] });
        if (!last || codes.length === 1) tokens.push({ token: CODE + codes.at(-1), open: last });
      } else if (part.kind === "word") {
        tokens.push({ token: part.chars.join("").toLowerCase(), open: last });
      } else {
        for (const char of part.chars) tokens.push({ token: RARE + char.codePointAt(0).toString(36) });
      }
    });
    return { text: parts.flatMap((part) => part.chars).join(""), tokens };
  });
}

// The article's text from its indexed content (after the title): each character starts a token.
function decodeText(content) {
  let text = "";
  for (const token of content.slice(content.indexOf(TITLE_END) + 1).split(" ")) {
    if (token === GAP) text += " ";
    else if (token.startsWith(CODE)) text += decode(token.slice(1, 4));
    else if (token.startsWith(RARE)) text += String.fromCodePoint(parseInt(token.slice(1), 36));
    else text += token;
  }
  return text.trim();
}

// --- searching ----------------------------------------------------------------------------------

let loading = null;

function pagefind() {
  if (!loading) {
    const root = document.getElementById("search");
    const bundle = root?.dataset.pagefind ?? new URL("pagefind/pagefind.js", import.meta.url).href;
    const base = root?.dataset.base ?? new URL(".", import.meta.url).pathname;
    loading = import(bundle).then(async (module) => {
      await module.options({ baseUrl: base });
      return module;
    });
  }
  return loading;
}

const search = async (term, filters) => (await pagefind()).search(term, { filters });
const ids = (found) => found && new Set(found.results.map((result) => result.id));
const joined = (tokens) => tokens.map((t) => t.token).join(" ");
const closed = (phrase) => phrase.tokens.filter((t) => !t.open);
const titled = (phrase) => ({ ...phrase, tokens: phrase.tokens.map((t) => ({ ...t, token: TITLED + t.token })) });

// The articles in which the phrase's tokens stand in a row; an open last token only as a prefix.
async function containing(phrase, filters) {
  const tokens = closed(phrase);
  return tokens.length ? search(`"${joined(tokens)}"`, filters) : search(joined(phrase.tokens), filters);
}

/** Every article in which each phrase of `query` occurs: title hits first, then whole words. */
export async function find(query, filters = {}) {
  const phrases = phrasesOf(query);
  if (!phrases.length) return { phrases, results: [], counts: null };
  const open = (p) => p.tokens.some((t) => t.open);
  const [ranked, strict, whole, title] = await Promise.all([
    search(phrases.map((p) => joined(p.tokens)).join(" "), filters),
    Promise.all(phrases.map((p) => (closed(p).length ? containing(p, filters) : null))),
    Promise.all(phrases.map((p) => (open(p) ? search(`"${joined(p.tokens)}"`, filters) : null))),
    Promise.all(phrases.map((p) => containing(titled(p), filters))),
  ]);
  const [strictIds, wholeIds, titleIds] = [strict, whole, title].map((sets) => sets.map(ids));
  const all = (sets, result) => sets.every((set) => !set || set.has(result.id));
  const rank = (result) => (all(titleIds, result) ? 0 : 2) + (all(wholeIds, result) ? 0 : 1);
  const results = ranked.results
    .filter((result) => all(strictIds, result))
    .map((result, order) => ({ result, order, tier: rank(result) }))
    .sort((a, b) => a.tier - b.tier || a.order - b.order)
    .map(({ result }) => result);
  return { phrases, results, counts: await countsFor(phrases, filters, strict[0] ?? ranked) };
}

// Per-value counts for the filter menus, when Pagefind can give them exactly (one phrase).
async function countsFor(phrases, filters, found) {
  if (phrases.length !== 1) return null;
  if (!Object.keys(filters).length) return found.filters;
  return (await containing(phrases[0], {})).filters;
}

// --- excerpts -----------------------------------------------------------------------------------

const fold = (char) => {
  const plain = char.normalize("NFKC").toLowerCase();
  return [...plain].length === 1 ? plain : char;
};

// Where the phrases stand in a text: [start, end) in characters, first come first.
function spans(chars, phrases) {
  const folded = chars.map(fold);
  const needles = phrases.map((p) => [...p.text].map(fold)).sort((a, b) => b.length - a.length);
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

function excerpt(text, phrases) {
  const chars = [...text];
  const ranges = spans(chars, phrases);
  const first = ranges[0]?.[0] ?? 0;
  const from = Math.max(0, first - 24);
  const to = Math.min(chars.length, from + 150);
  return [from > 0 ? "…" : "", ...marked(chars, ranges, from, to), to < chars.length ? "…" : ""];
}

// --- the page -----------------------------------------------------------------------------------

const PAGE = 10;

function element(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

function resultNode(data, phrases) {
  const meta = data.meta || {};
  const text = decodeText(data.content || "");
  const title = meta.title || data.url;
  const link = element("a", "", ...marked([...title], spans([...title], phrases)));
  link.href = data.url;
  const line = element("div", "card-meta");
  if (meta.date) {
    const time = element("time", "", meta.date);
    time.dateTime = meta.date;
    line.append(time);
  }
  const category = (data.filters?.category || []).reduce((a, b) => (b.length > a.length ? b : a), "");
  if (category) line.append(element("span", "search-category", category));
  if (meta.source) line.append(element("span", "card-source", `来源：${meta.source}`));
  const body = element("div", "card-text", element("h2", "card-title", link), line);
  body.append(element("p", "card-summary search-excerpt", ...excerpt(text, phrases)));
  return element("article", "card search-result", body);
}

function page(root) {
  const form = root.querySelector(".search-form");
  const input = form.elements.q;
  const selects = { category: form.elements.category, year: form.elements.year };
  const status = root.querySelector(".search-status");
  const list = root.querySelector(".search-results");
  const more = root.querySelector(".search-more");
  const title = document.title;
  const totals = {};
  let current = 0; // the latest search; an older one that finishes late draws nothing
  let pending = [];
  let phrases = [];

  const say = (text) => {
    status.textContent = text;
  };

  const chosen = () =>
    Object.fromEntries(Object.entries(selects).filter(([, select]) => select.value).map(([name, s]) => [name, s.value]));

  // Category values are full paths ("金融 › 新浪财经"): sorted, a child follows its parent, indented.
  function fill(name, counts) {
    const select = selects[name];
    const value = select.value;
    const values = Object.keys(totals[name] || {}).sort();
    if (name === "year") values.reverse();
    select.length = 1;
    for (const path of values) {
      const levels = path.split(" › ");
      const count = counts ? counts[path] || 0 : null;
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
    const loaded = await Promise.all(batch.map((result) => result.data()));
    if (id !== current) return;
    list.append(...loaded.map((data) => resultNode(data, phrases)));
    more.hidden = pending.length === 0;
  }

  async function search() {
    const id = ++current;
    const q = input.value.trim();
    const filters = chosen();
    const params = new URLSearchParams({ ...(q ? { q } : {}), ...filters });
    history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
    document.title = q ? `${q} - ${title}` : title;
    list.replaceChildren();
    more.hidden = true;
    pending = [];
    if (!q) {
      for (const name of Object.keys(selects)) fill(name, null);
      say("输入词语或句子，搜索全部文章的标题和正文。");
      return;
    }
    say("正在搜索…");
    const found = await find(q, filters);
    if (id !== current) return;
    for (const name of Object.keys(selects)) fill(name, found.counts?.[name] ?? null);
    ({ phrases } = found);
    pending = found.results;
    const narrowed = Object.keys(filters).length > 0;
    if (!pending.length) {
      say(
        narrowed
          ? `在所选分类或年份中没有找到“${q}”，试试“全部分类”“全部年份”。`
          : `没有找到包含“${q}”的文章。`,
      );
      return;
    }
    const total = pending.length;
    await showMore(id);
    if (id !== current) return;
    say(`找到 ${total} 篇包含“${q}”的文章${narrowed ? "（已按分类或年份筛选）" : ""}。`);
  }

  async function start() {
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    try {
      Object.assign(totals, await (await pagefind()).filters());
    } catch (error) {
      say("搜索索引没能载入，请稍后再试，或按分类、按归档浏览。");
      throw error;
    }
    for (const [name, select] of Object.entries(selects)) {
      fill(name, null);
      select.value = params.get(name) || "";
    }
    form.querySelector(".search-filters").hidden = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      search();
    });
    for (const select of Object.values(selects)) select.addEventListener("change", search);
    more.addEventListener("click", () => showMore(current));
    await search();
  }

  start();
}

const root = document.getElementById("search");
if (root) page(root);
