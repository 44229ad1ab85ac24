// An article page's 引用 entry (GB/T 7714), written from what the page already says once: its
// citation_* tags (which Zotero reads), its canonical link and its 原文链接. Writing the entry into
// every page repeated them (260 bytes a page); the page stays valid and whole without it. A page
// names no citation_publisher where the publisher is the author (sitegen.citations): the author then.
const box = document.querySelector("details.cite");
if (box) {
  const tag = (name) => document.querySelector(`meta[name="citation_${name}"]`)?.content ?? "";
  const page = document.querySelector('link[rel="canonical"]').getAttribute("href");
  const original = document.querySelector(".article-meta a[rel~=nofollow]")?.getAttribute("href");
  const author = tag("author") ? `${tag("author")}. ` : "";
  const where = original ? `${original}. 存档：${page}` : page;
  const entry = document.createElement("p");
  entry.textContent = `${author}${tag("title")}[N/OL]. ${tag("publisher") || tag("author")}, ${tag("date").replaceAll("/", "-")}. ${where}.`;
  box.append(entry);
}
