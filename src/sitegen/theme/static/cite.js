// An article page's 引用 entry (GB/T 7714), written from what the page already says once: its
// citation_* tags (which Zotero reads), its canonical link and its 原文链接. Writing the entry into
// every page repeated them (260 bytes a page); the page stays valid and whole without it. A page
// names no citation_publisher where the publisher is the author (sitegen.citations): the author then.
// The 引用 box is this script's too (51 B a page): without scripts it could only stand empty; so
// is the article's footer where the page has none (nothing else to say there: 40 B).
const article = document.querySelector("article.article");
if (article) {
  const tag = (name) => document.querySelector(`meta[name="citation_${name}"]`)?.content ?? "";
  const page = document.querySelector('link[rel="canonical"]').getAttribute("href");
  const original = document.querySelector(".article-meta a[rel~=nofollow]")?.getAttribute("href");
  const author = tag("author") ? `${tag("author")}. ` : "";
  const where = original ? `${original}. 存档：${page}` : page;
  const box = document.createElement("details");
  const summary = document.createElement("summary");
  const entry = document.createElement("p");
  box.className = "cite";
  summary.textContent = "引用";
  entry.textContent = `${author}${tag("title")}[N/OL]. ${tag("publisher") || tag("author")}, ${tag("date").replaceAll("/", "-")}. ${where}.`;
  box.append(summary, entry);
  let footer = article.querySelector(":scope > footer");
  if (!footer) {
    footer = document.createElement("footer");
    footer.className = "article-footer";
    article.append(footer);
  }
  footer.append(box);
}
