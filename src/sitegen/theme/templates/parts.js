// An archive in parts (sitegen.parts), on a list's page, the archive page or an article's page:
// what the other parts hold, read as the page loads from each part's part-counts/ and
// part-links/ (sitegen.pages.across), the parts from the front door's parts.json (the footer's
// data-parts). A list's page says how many of its articles each other part holds and links that
// part's page of the list; the archive page draws its chart and its years from every part's
// months, each linking into the part that holds it. A part that cannot be reached is named.
// Without this script the page says that it shows this part's articles and links parts.json, the
// one list of every part (a part's footer links the older parts only: a closed part never
// changes for a newer one). An article's page links its copies and related articles in older
// parts itself; those in newer parts are added here, from what each newer part published.

const VERSION = 1;
const LINKS_VERSION = 2;
const nav = document.getElementById("parts");
const here = document.querySelector("[data-key]");

const span = (p) => (p.from && p.to ? `${p.from} 至 ${p.to}` : p.from ? `${p.from} 起` : p.to ? `${p.to} 以前` : "全部");

function json(url) {
  return fetch(url).then((response) => {
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  });
}

// A page of a part, by its key (its path under the part's address: the same in every part).
function link(part, key, text) {
  const a = document.createElement("a");
  a.href = new URL(key.slice(1), part.url).href;
  a.textContent = text;
  return a;
}

const counts = (part) =>
  json(new URL("part-counts/index.json", part.url)).then((index) => {
    if (index.version !== VERSION) throw new Error(`${part.name}: part-counts version ${index.version}`);
    return index;
  });

// A key's 48 bits: FNV-1a of its UTF-8, 64 bits, the top 48 (as sitegen.pages.across.hashed).
function hashed(key) {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(key)) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h >> 16n;
}

// How many articles of the list whose page is `key` a part holds (0: none).
async function held(part, key) {
  const { bits } = await counts(part);
  const h = hashed(key);
  const url = new URL(`part-counts/${Number(h >> BigInt(48 - bits)).toString(16)}.bin`, part.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const data = new DataView(await response.arrayBuffer());
  if (data.getUint8(0) !== VERSION) throw new Error(`${url}: version ${data.getUint8(0)}`);
  for (let at = 1; at + 10 <= data.byteLength; at += 10) {
    if (((BigInt(data.getUint16(at)) << 32n) | BigInt(data.getUint32(at + 2))) === h) return data.getUint32(at + 6);
  }
  return 0;
}

// Each part and what `ask` gives of it, and the parts that could not be reached.
async function ask(parts, asked) {
  const settled = await Promise.allSettled(parts.map(asked));
  const answered = parts.flatMap((part, i) => (settled[i].status === "fulfilled" ? [[part, settled[i].value]] : []));
  return { answered, lost: parts.filter((_, i) => settled[i].status === "rejected") };
}

function sayLost(lost) {
  if (lost.length) here.append(`无法连接本档案的部分 ${lost.map((p) => `${p.name}（${span(p)}）`).join("、")}，其中的文章未计入。`);
}

// A list's page: the other parts' articles of the list, each part linked.
async function list(parts) {
  const key = here.dataset.key;
  const { answered, lost } = await ask(parts.filter((p) => p.name !== nav.dataset.part), (p) => held(p, key));
  const holding = answered.filter(([, n]) => n > 0);
  const total = holding.reduce((sum, [, n]) => sum + n, 0);
  here.replaceChildren(total ? `本档案的其他部分另有 ${total} 篇：` : lost.length ? "" : "本档案的其他部分没有这里的文章。");
  holding.forEach(([part, n], i) => here.append(i ? "，" : "", link(part, key, span(part)), ` ${n} 篇`));
  if (total) here.append("。");
  sayLost(lost);
}

// The archive page: every part's years and months, in the chart and in the list.
async function archive(parts) {
  const { answered, lost } = await ask(parts, counts);
  here.replaceChildren();
  if (!answered.some(([part]) => part.name === nav.dataset.part)) return sayLost(lost);
  // (year, month) → its count over the parts and the newest part's page of it (a span may end
  // inside a month); a year → its count and the newest part's page of it
  const months = new Map();
  const years = new Map();
  const totals = [];
  for (const [part, index] of answered) {
    let total = 0;
    for (const [year, path, rows] of index.years) {
      years.set(year, { count: years.get(year)?.count ?? 0, part, path });
      for (const [month, monthPath, count] of rows) {
        const at = year * 12 + month - 1;
        const m = months.get(at) ?? { year, month, count: 0 };
        months.set(at, { ...m, part, path: monthPath, count: m.count + count });
        years.get(year).count += count;
        total += count;
      }
    }
    totals.push([part, total]);
  }
  const all = totals.reduce((sum, [, n]) => sum + n, 0);
  here.append(`全档案共 ${all} 篇，在 ${parts.length} 个部分：`);
  totals.forEach(([part, n], i) => here.append(i ? "，" : "", link(part, here.dataset.key, span(part)), ` ${n} 篇`));
  here.append("。");
  sayLost(lost);
  drawChart(months);
  listYears(years, months);
}

function element(tag, attributes = {}, ...children) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  made.append(...children);
  return made;
}

// The chart as sitegen.chart draws it, over every part's months.
function drawChart(months) {
  const grid = document.querySelector(".chart-grid");
  if (!grid || !months.size) return;
  const ats = [...months.keys()];
  const [first, last] = [months.get(Math.min(...ats)), months.get(Math.max(...ats))];
  const peak = Math.max(...[...months.values()].map((m) => m.count));
  const height = (n) => Math.round(8 + 92 * (Math.log1p(n) / Math.log1p(peak)));
  const rows = [];
  for (let year = last.year; year >= first.year; year--) {
    rows.push(element("span", { class: "chart-year" }, String(year)));
    for (let month = 1; month <= 12; month++) {
      const m = months.get(year * 12 + month - 1);
      if (!m) {
        rows.push(element("span", { class: "chart-none" }));
        continue;
      }
      const cell = link(m.part, m.path, "");
      Object.assign(cell, { tabIndex: -1, title: `${year}年${month}月：${m.count} 篇` });
      cell.style.setProperty("--h", `${height(m.count)}%`);
      rows.push(cell);
    }
  }
  grid.replaceChildren(...[...grid.children].slice(0, 13), ...rows);
  const all = [...months.values()].reduce((sum, m) => sum + m.count, 0);
  const [summary, shown] = document.querySelector(".chart-caption").children;
  summary.textContent = `每月文章数，${first.year}年${first.month}月至${last.year}年${last.month}月，共 ${all} 篇，最多的一个月 ${peak} 篇。`;
  shown.textContent = `每月篇数，柱高按对数刻度，最多 ${peak} 篇 · 点按柱条查看当月文章`;
}

// The years and their months, newest first, as the page lists its own.
function listYears(years, months) {
  const sections = [...years.keys()]
    .sort((a, b) => b - a)
    .map((year, i) => {
      const y = years.get(year);
      const heading = element("h2", { class: "year-heading", id: `year-${i + 1}` }, link(y.part, y.path, `${year}年`), element("span", { class: "count" }, `${y.count} 篇`));
      const items = [...months.values()]
        .filter((m) => m.year === year)
        .sort((a, b) => b.month - a.month)
        .map((m) => {
          const a = link(m.part, m.path, `${m.month}月`);
          a.append(element("span", { class: "count" }, String(m.count), element("span", { class: "visually-hidden" }, " 篇")));
          return element("li", {}, a);
        });
      return element("section", { class: "year", "aria-labelledby": `year-${i + 1}` }, heading, element("ul", { class: "months" }, ...items));
    });
  document.querySelector(".years").replaceChildren(...sections);
}

// What a part adds to an older part's article page (its key): [copies, related] or undefined,
// each item [text, its page] (published as [text, key, its part's place in parts.json]).
async function added(parts, part, key) {
  const index = await json(new URL("part-links/index.json", part.url));
  if (index.version !== LINKS_VERSION) throw new Error(`${part.name}: part-links version ${index.version}`);
  const shard = Number(hashed(key) >> BigInt(48 - index.bits)).toString(16);
  const entry = (await json(new URL(`part-links/${shard}.json`, part.url)))[key];
  const item = ([text, at, p]) => [text, new URL(at.slice(1), parts[p].url).href];
  return { limit: index.related, entry: entry?.map((items) => items.map(item)) };
}

// An article page's key: its data-links, else its path past its part's address's path
// (sitegen.pages.across.said).
function keyOf(parts, page) {
  if (page.dataset.links) return page.dataset.links;
  const base = decodeURIComponent(new URL(parts.find((p) => p.name === nav.dataset.part).url).pathname);
  return decodeURIComponent(location.pathname).replace(/\/index\.html$/, "/").slice(base.length - 1);
}

const anchor = ([text, href]) => Object.assign(document.createElement("a"), { href, textContent: text });

// An article's page: its story's copies in the newer parts after its own (earliest first, as
// its own part names them: ALSO named, the rest counted); its related list as the newest part
// that changed it made it (over that part and every older one), then its own, each once. The
// page says when it has asked (data-asked): a newer part unreachable adds nothing.
async function article(parts, page) {
  await addNewer(parts, page);
  page.dataset.asked = "";
}

async function addNewer(parts, page) {
  const newer = parts.slice(parts.findIndex((p) => p.name === nav.dataset.part) + 1);
  const key = keyOf(parts, page);
  const { answered } = await ask(newer, (p) => added(parts, p, key));
  const found = answered.filter(([, { entry }]) => entry);
  const copies = found.flatMap(([, { entry }]) => entry[0]);
  if (copies.length) {
    const ALSO = 3;
    let also = page.querySelector(".article-also-in");
    if (!also) {
      also = element("p", { class: "article-also-in", "data-more": "0" }, element("span", { class: "label" }, "也见于："));
      page.querySelector(".article-meta").before(also);
    }
    const named = [...also.querySelectorAll("a")].map((a) => [a.textContent, a.getAttribute("href")]);
    const more = Number(also.dataset.more) + Math.max(0, named.length + copies.length - ALSO);
    const shown = [...named, ...copies].slice(0, ALSO);
    also.replaceChildren(also.querySelector(".label"));
    shown.forEach((copy, i) => also.append(i ? "、" : "", anchor(copy)));
    if (more) also.append(`，另有 ${more} 处`);
  }
  const changed = found.filter(([, { entry }]) => entry[1].length).pop();
  if (!changed) return;
  const [, { limit, entry }] = changed;
  let section = document.querySelector("section.related");
  if (!section) {
    section = element("section", { class: "related" }, element("h2", {}, "相关文章"), element("ul"));
    page.after(section);
  }
  const own = [...section.querySelectorAll("li a")].map((a) => [a.textContent, a.getAttribute("href")]);
  const seen = new Set();
  const kept = [...entry[1], ...own].filter(([, href]) => !seen.has(new URL(href, location.href).href) && seen.add(new URL(href, location.href).href));
  section.querySelector("ul").replaceChildren(...kept.slice(0, limit).map((item) => element("li", {}, anchor(item))));
}

const page = document.querySelector("[data-links]");
json(nav.dataset.parts).then(
  ({ parts }) => (page ? article(parts, page) : "archive" in here.dataset ? archive(parts) : list(parts)),
  () => {
    if (page) return;
    here.textContent = "无法读取本档案的部分列表（parts.json），其他部分的文章未计入；";
    here.append(Object.assign(document.createElement("a"), { href: "#parts", textContent: "页脚" }), "列出了较早的部分。");
  },
);
