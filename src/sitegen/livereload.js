// sitegen serve --watch: reload this tab when a rebuild changed its page, show a failed rebuild
// over the page.
// Only the dev server writes this file; `sitegen build` output never links to it.
(() => {
  "use strict";
  const script = document.currentScript;
  const events = new URL("__sitegen/events", script ? script.src : location.href);
  // After reloading for a rebuild, tell the server which one: if another landed meanwhile,
  // this page is already stale and the server says reload again.
  const SEEN = "sitegen-seen-build";
  const seen = sessionStorage.getItem(SEEN);
  if (seen) {
    events.searchParams.set("seen", seen);
    sessionStorage.removeItem(SEEN);
  }
  // The server names the pages a rebuild changed (none named: all of them) as hrefs.
  const plain = (href) => decodeURI(href).replace(/index\.html$/, "");
  const here = plain(location.pathname);
  events.searchParams.set("page", location.pathname);
  const OVERLAY = "sitegen-build-errors";
  const STYLE = `
    :host { all: initial; position: fixed; inset: 0; z-index: 2147483647; }
    .backdrop { position: absolute; inset: 0; background: rgb(0 0 0 / 0.55);
      display: flex; align-items: flex-start; justify-content: center; padding: 5vh 1rem;
      box-sizing: border-box; overflow: auto; }
    .panel { width: min(60rem, 100%); box-sizing: border-box; background: #1e1f22; color: #f2f2f2;
      border-top: 6px solid #e5484d; border-radius: 8px; padding: 1.25rem 1.5rem;
      box-shadow: 0 12px 40px rgb(0 0 0 / 0.5);
      font: 16px/1.6 system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
    h2 { margin: 0 0 0.5rem; font-size: 1.25rem; color: #ff9592; }
    p { margin: 0 0 1rem; color: #c9c9c9; }
    ol { margin: 0 0 1rem; padding-left: 1.5rem; }
    li { margin: 0.4rem 0; font: 14px/1.5 ui-monospace, "Noto Sans Mono CJK SC", monospace;
      white-space: pre-wrap; overflow-wrap: anywhere; }
    button { font: inherit; cursor: pointer; color: #1e1f22; background: #f2f2f2; border: 0;
      border-radius: 4px; padding: 0.3rem 1rem; }
    button:focus-visible { outline: 3px solid #ff9592; outline-offset: 2px; }`;

  function hide() {
    document.getElementById(OVERLAY)?.remove();
  }

  function show(messages) {
    hide();
    const host = document.createElement("div");
    host.id = OVERLAY;
    const root = host.attachShadow({ mode: "open" });
    root.innerHTML = `<style>${STYLE}</style>
      <div class="backdrop"><section class="panel" role="alertdialog" aria-labelledby="title" aria-describedby="hint">
        <h2 id="title">构建失败 · Build failed</h2>
        <p id="hint">页面仍是上一次成功构建的结果。修正下列问题并保存，页面会自动刷新。<br>
        This is still the last good build. Fix the problems below and save: the page reloads by itself.</p>
        <ol></ol>
        <button type="button">关闭 · Dismiss</button>
      </section></div>`;
    const list = root.querySelector("ol");
    for (const message of messages) {
      const item = document.createElement("li");
      item.textContent = message;
      list.append(item);
    }
    root.querySelector("button").addEventListener("click", hide);
    document.body.append(host);
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hide();
  });
  const source = new EventSource(events);
  source.addEventListener("reload", (event) => {
    const pages = JSON.parse(event.data).pages;
    const mine = !pages.length || pages.some((page) => plain(page) === here);
    if (!mine && !document.getElementById(OVERLAY)) return;
    sessionStorage.setItem(SEEN, event.lastEventId);
    location.reload();
  });
  source.addEventListener("error", (event) => {
    // A lost connection is an `error` too, without data: EventSource reconnects by itself.
    if (typeof event.data === "string") show(JSON.parse(event.data).errors);
  });
})();
