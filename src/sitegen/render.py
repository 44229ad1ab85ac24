"""Page → bytes with Jinja2: autoescape on, StrictUndefined, a site's templates over the built-in theme."""

from __future__ import annotations

import gzip
import hashlib
import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from sitegen import code
from sitegen.config import SiteConfig
from sitegen.errors import TemplateProblem
from sitegen.images.manifest import thumbs_root
from sitegen.models import Page

if TYPE_CHECKING:
    from jinja2 import Environment

THEME = Path(__file__).parent / "theme"
# A newline of a theme template between a tag and the next tag, block or comment: the templates
# keep a tag a line, the pages do not (~45 B an article page); whitespace there shows nowhere.
_BETWEEN_TAGS = re.compile(r"(?<=>)\n(?=<|\{[%#])")


def template_dirs(config: SiteConfig) -> list[Path]:
    """The site's own templates first, so they override the theme file by file."""
    own = config.root / "templates"
    return [d for d in (own, THEME / "templates") if d.is_dir()]


def static_dirs(config: SiteConfig) -> list[Path]:
    """Theme first, then the thumbnails when the site publishes them (`sitegen images` makes
    them), then the site's own: later files overwrite earlier ones."""
    own = config.root / "static"
    thumbs = thumbs_root(config) if config.images.publish == "thumbnails" else own
    return [d for d in dict.fromkeys((THEME / "static", thumbs, own)) if d.is_dir()]


def rendering_digest(config: SiteConfig) -> str:
    """What else a page's output depends on: the templates in use and the code that renders them.

    It salts every page key, so a changed template or an upgraded sitegen re-renders every page.
    """
    digest = hashlib.blake2b(code.digest(code.PAGES).encode(), digest_size=16)
    for layer, directory in enumerate(template_dirs(config)):
        for source in sorted(p for p in directory.rglob("*") if p.is_file()):
            name = f"{layer}/{source.relative_to(directory).as_posix()}"
            digest.update(name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


ONCE_KEPT = 20_000  # pieces of HTML kept per process (~2 KB each)


class Once:
    """A theme macro as a global that renders once per distinct arguments, and reuses that HTML.

    An article's card shows on ~6 lists (home, each category level, its year and month), and a
    handful of category trails on every card and article. A macro imported from its own file sees
    only its arguments (views are frozen, so equal arguments mean equal HTML); the HTML still comes
    from the template in use, a site's own file if it has one, and a new environment (templates
    changed) starts afresh.
    """

    def __init__(self, env: Environment, template: str, macro: str) -> None:
        self.env = env
        self.template = template
        self.macro = macro
        self.html: dict[tuple, Markup] = {}

    def __call__(self, *args: object) -> Markup:
        try:
            html = self.html.get(args)
        except TypeError:  # unhashable arguments (a list): render them every time
            return self.render(*args)
        if html is None:
            if len(self.html) >= ONCE_KEPT:  # bounded memory on a 100,000-article site
                self.html.clear()
            html = self.html[args] = self.render(*args)
        return html

    def render(self, *args: object) -> Markup:
        from jinja2 import TemplateRuntimeError

        macro = getattr(self.env.get_template(self.template).module, self.macro, None)
        if macro is None:  # a site's own file without it: a template error, not a crash
            raise TemplateRuntimeError(f"{self.template} defines no macro {self.macro!r}")
        return macro(*args)


def make_environment(config: SiteConfig, compiled: Path | None = None) -> Environment:
    """The Jinja environment; `compiled` keeps compiled templates (keyed by their source), so a
    small rebuild does not compile the theme again. Jinja2 is imported here, not at the top: a
    command or build that renders nothing does not pay for it."""
    from jinja2 import (
        ChoiceLoader,
        Environment,
        FileSystemBytecodeCache,
        FileSystemLoader,
        StrictUndefined,
    )

    class Joined(FileSystemLoader):
        """The theme's HTML templates read without their newlines between tags (a site's own
        templates are read as written)."""

        def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
            source, filename, uptodate = super().get_source(environment, template)
            if template.endswith(".html"):
                source = _BETWEEN_TAGS.sub("", source)
            return source, filename, uptodate

    loader = ChoiceLoader(
        [
            (Joined if d.is_relative_to(THEME) else FileSystemLoader)(str(d))
            for d in template_dirs(config)
        ]
    )
    env = Environment(
        loader=loader,
        bytecode_cache=FileSystemBytecodeCache(str(compiled)) if compiled else None,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals["card_html"] = Once(env, "_card.html", "card")
    env.globals["trail_html"] = Once(env, "_trail.html", "trail")
    return env


def _locate(exc: Exception, page: Page) -> str:
    filename = getattr(exc, "filename", None)
    lineno = getattr(exc, "lineno", None)
    if filename and lineno:
        return f"{filename}:{lineno}"
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml"))
    ]
    if frames:
        return f"{frames[-1].filename}:{frames[-1].lineno}"
    return page.template


# Pages a browser shows at paths other than their own, so their links stay root-relative: the
# not-found page (served at any missing path) and an old URL's alias page.
ROOTED = frozenset({"404.html", "alias.html"})


def relative_links(html: str, base: str, here: str) -> str:
    """A page's links to the site's own pages and files (href, src, action under `base`, the site's
    path) written relative to the page at `here` where that is shorter (`../other/`,
    `../../style.css`), as Hugo's relativeURLs: 100 B less an article page in a file per article
    layout. Absolute URLs (canonical, og:*, feeds, sitemaps, other parts) are not links under
    `base` and stay as they are; a page under a folder URL and its index.html, or a file's page
    at `x.html` and at `x`, share one folder, so one relative link serves both."""
    folder = here[len(base) :].split("/")[:-1]
    pattern = re.compile(rf'(\s(?:href|src|action)=")({re.escape(base)}(?!/)[^"#?]*)')

    def shorter(match: re.Match[str]) -> str:
        link = match[2]
        target = link[len(base) :].split("/")
        same = 0
        while same < min(len(folder), len(target) - 1) and folder[same] == target[same]:
            same += 1
        path = "../" * (len(folder) - same) + "/".join(target[same:])
        if not path or ":" in path.split("/", 1)[0]:  # the folder itself; not read as a scheme
            path = "./" + path
        return match[1] + (path if len(path.encode()) < len(link.encode()) else link)

    return pattern.sub(shorter, html)


def render(env: Environment, page: Page, context: dict[str, Any]) -> bytes:
    """The page's template filled with its data (`Plan.context`), its links relative to it
    (`relative_links`) if it is an HTML page at one path, gzipped if its URL ends in .gz (sitemap
    parts: `[permalinks] sitemap_part`); a page without a template is a file made in code
    (sitegen.pages.data), its bytes in its data."""
    if not page.template:
        return bytes(context["raw"])
    from jinja2 import TemplateError

    try:
        html = env.get_template(page.template).render(context)
        if page.url.endswith(("/", ".html")) and page.template not in ROOTED:
            html = relative_links(html, context["site"].home_href, context["here"])
        text = html.encode("utf-8")
        return gzip.compress(text, mtime=0) if page.url.endswith(".gz") else text
    except TemplateError as exc:
        raise TemplateProblem(_locate(exc, page), f"{type(exc).__name__}: {exc.message}") from None
