"""Page → bytes with Jinja2: autoescape on, StrictUndefined, a site's templates over the built-in theme."""

from __future__ import annotations

import hashlib
import traceback
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError
from markupsafe import Markup

from sitegen.config import SiteConfig
from sitegen.pages import Page
from sitegen.views import Card

THEME = Path(__file__).parent / "theme"


class TemplateProblem(Exception):
    """A template that fails to compile or render, located as `template:line: message`."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message

    def __reduce__(self) -> tuple:
        return (type(self), (self.where, self.message))


def template_dirs(config: SiteConfig) -> list[Path]:
    """The site's own templates first, so they override the theme file by file."""
    own = config.root / "templates"
    return [d for d in (own, THEME / "templates") if d.is_dir()]


def static_dirs(config: SiteConfig) -> list[Path]:
    """Theme first, then the site's own: later files overwrite earlier ones."""
    own = config.root / "static"
    return [d for d in (THEME / "static", own) if d.is_dir()]


def rendering_digest(config: SiteConfig) -> str:
    """What else a page's output depends on: the templates in use and the code that renders them.

    It salts every page key, so a changed template or an upgraded sitegen re-renders every page.
    """
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parent
    sources = [package / "__init__.py", *sorted(package.glob("*.py"))]
    for directory in template_dirs(config):
        sources.extend(sorted(p for p in directory.rglob("*") if p.is_file()))
    for source in sources:
        digest.update(str(source).encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


class CardHtml:
    """The `card_html(card, level)` global: the `card` macro of _card.html, rendered once per card.

    An article's card shows on every list that holds it (home, each category level, its year and
    month), so lists reuse its HTML. A macro sees only its arguments, so an equal card gives the
    same HTML; the HTML still comes from the template in use (a site's own _card.html, if any), and
    a new environment (templates changed) starts afresh. Kept by href, one entry per article: a
    rebuild's edited card replaces its old HTML, and a hit costs a string hash, not a card's.
    """

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.html: dict[tuple[str, str], tuple[Card, Markup]] = {}

    def __call__(self, card: Card, level: str = "h2") -> Markup:
        key = (card.href, level)
        kept = self.html.get(key)
        if kept is not None and (kept[0] is card or kept[0] == card):
            return kept[1]
        html = self.env.get_template("_card.html").module.card(card, level)
        self.html[key] = (card, html)
        return html


def make_environment(config: SiteConfig) -> Environment:
    loader = ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(config)])
    env = Environment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals["card_html"] = CardHtml(env)
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


def render(env: Environment, page: Page) -> bytes:
    try:
        return env.get_template(page.template).render(page.context).encode("utf-8")
    except TemplateError as exc:
        raise TemplateProblem(_locate(exc, page), f"{type(exc).__name__}: {exc.message}") from None
