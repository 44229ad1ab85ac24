"""The one step that gives every named thing of a build its URL: articles, categories and the
names of every kind of grouping (sitegen.kinds: tags, documents, issuing bodies, sources). Every
collision is resolved here and nowhere else, and a URL the record (sitegen.url_record, urls.txt)
lists stays its owner's: a later page that would take it gets the suffix, never the earlier one,
whatever order the files come in. Pure.

The rules without a record are the names' own (sitegen.names): an article's slug from its file
name, with a hash of its path where two derived slugs meet; a name as its own segment, widened
where two siblings meet in any case. With a record, an owner keeps the URL it was given if that
is still one of its forms; a URL it no longer has redirects to its current one; an article
whose file is gone (and not moved: a new file with its body) leaves a withdrawal notice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.config import SiteConfig
from sitegen.errors import ContentError
from sitegen.kinds import Kind
from sitegen.leads import NEW
from sitegen.models import Article, CategoryPath
from sitegen.names import name_forms, name_segments, short_hash
from sitegen.parts import day_part
from sitegen.url_record import RECORD_FILE, Entry, UrlRecord
from sitegen.urls import Named, Urls

ARTICLE_KINDS = ("article", "alias")


@dataclass(frozen=True)
class Redirect:
    """An address that answers with a redirect: an old URL or an alias, to its owner's URL now;
    `origin` is the article's file ("" for a name)."""

    url: str
    target: str
    origin: str = ""


@dataclass(frozen=True)
class Placed:
    """The articles' part of a build's URLs: those that have one (`kept`: their indexes in the
    list given, in its order) and their URLs; the articles left out, each as the error saying
    why; the articles' redirects, withdrawn URLs and record lines, and each kept article's rank
    among its story's copies (sitegen.leads: as its line of the record says, NEW without one).
    In an archive in parts, `record` is the part's share (split_record): the other parts' lines
    are not the site's (sitegen.pipeline.shares.keep_record writes them back as they were read)."""

    config: SiteConfig
    record: UrlRecord
    kept: tuple[int, ...]
    urls: tuple[str, ...]
    errors: tuple[ContentError, ...]
    redirects: Mapping[str, Redirect]
    withdrawn: tuple[str, ...]
    entries: Mapping[str, Entry]
    ranks: tuple[int, ...]


@dataclass(frozen=True)
class Names:
    """Every name of a build's kept articles: its categories, and the names of each kind of
    grouping it has (sitegen.kinds; a kind turned off is not given, so its URLs are not)."""

    categories: frozenset[CategoryPath] = frozenset()
    kinds: tuple[tuple[Kind, frozenset[str]], ...] = ()


@dataclass(frozen=True)
class Assigned:
    """The build's one `Urls`, every redirect, and the record as this build leaves it."""

    links: Urls
    redirects: tuple[Redirect, ...]
    record: Mapping[str, Entry]


def place(
    config: SiteConfig, articles: Sequence[Article], record: UrlRecord | None = None
) -> Placed:
    """The articles' URLs, first (the names to assign are those of the articles kept).
    `articles` in the site's order: the first of two explicit slugs on one URL keeps it. In an
    archive in parts, only the articles of the part `config` builds are kept."""
    record = record or {}
    inside: Sequence[int] = range(len(articles))
    outside: list[ContentError] = []
    if config.parts:
        inside, record, outside = _share(config, articles, record)
    own = config.part if config.parts and config.part != config.parts[0].name else ""
    found = _Articles([articles[i] for i in inside], Urls(config), record, own)
    return Placed(
        config,
        record,
        tuple(inside[k] for k in found.kept),
        tuple(found.urls),
        (*outside, *found.errors),
        found.redirects,
        tuple(sorted(found.withdrawn)),
        found.entries,
        tuple(found.ranks),
    )


def part_of(article: Article, config: SiteConfig, recorded: Mapping[str, str]) -> str:
    """An article's part: the one the record gives its file (the front door's for all published
    before parts were declared: a URL given never moves), else the one whose span holds its
    date; "" when none does."""
    if article.source_path in recorded:
        return recorded[article.source_path] or config.parts[0].name
    return day_part(config.parts, article.date.astimezone(config.tz).date())


def recorded_parts(config: SiteConfig, record: UrlRecord) -> dict[str, str]:
    """Each article file the record lists, the part it was published in."""
    front = config.parts[0].name
    return {e.owner[0]: e.part or front for e in record.values() if e.kind == "article"}


def _share(
    config: SiteConfig, articles: Sequence[Article], record: UrlRecord
) -> tuple[list[int], dict[str, Entry], list[ContentError]]:
    """The articles of the part `config` builds (their indexes); the record as its build reads
    it (its articles' lines, their aliases', every name's); on the front door, an error for
    each article in no part's span."""
    front = config.parts[0].name
    recorded = recorded_parts(config, record)
    parts = [part_of(article, config, recorded) for article in articles]
    inside = [i for i, part in enumerate(parts) if part == config.part]
    strays = [
        _stray(article, part, dated, config)
        for article, part in zip(articles, parts, strict=True)
        if part == config.part and (dated := part_of(article, config, {})) != part
    ]
    outside = [
        ContentError(
            Path(articles[i].source_path),
            1,
            f"dated {articles[i].date.astimezone(config.tz).date()}, in no "
            "part's span: declare one in site.toml ([[parts]] from, to)",
        )
        for i, part in enumerate(parts)
        if not part and config.part == front
    ]
    return inside, split_record(config, record, recorded)[0], [*outside, *strays]


def split_record(
    config: SiteConfig, record: UrlRecord, recorded: Mapping[str, str] | None = None
) -> tuple[dict[str, Entry], dict[str, Entry]]:
    """The record as the build of the part `config` builds reads it (its articles' lines, their
    aliases', every name's), and the other parts' lines (`recorded`: recorded_parts's)."""
    front = config.parts[0].name
    recorded = recorded_parts(config, record) if recorded is None else recorded
    mine: dict[str, Entry] = {}
    others: dict[str, Entry] = {}
    for url, entry in record.items():
        if entry.kind in ARTICLE_KINDS:
            part = recorded.get(entry.owner[0], front)
            (mine if part == config.part else others)[url] = entry
        else:
            mine[url] = entry
    return mine, others


def _stray(article: Article, part: str, dated: str, config: SiteConfig) -> ContentError:
    """An article a part published (urls.txt) dated in another's span: spans must hold what each
    part published, so that newest first across parts is part by part (one search's order)."""
    day = article.date.astimezone(config.tz).date().isoformat()
    where = f"in the span of part {dated!r}" if dated else "in no part's span"
    message = (
        f"published in part {part!r} ({RECORD_FILE}) but dated {day}, {where}: a published URL "
        f"never moves, so widen part {part!r}'s span in site.toml to hold {day} (and start the "
        "next part after it)"
    )
    return ContentError(Path(article.source_path), 1, message)


def assign(placed: Placed, names: Names, afters: Sequence[int] = ()) -> Assigned:
    """Every name's URL, then the build's one `Urls`, holding them all; `afters`: each kept
    article's mark among its story's copies (sitegen.leads.afters), on its line of the record."""
    config = placed.config
    scheme = Urls(config)
    found = _Names(placed.record)
    chosen = {kind.name: found.keep(kind, given, scheme) for kind, given in names.kinds}
    named = Named(
        categories=found.categories(names.categories, config.category_slugs, scheme),
        kinds=chosen,
    )
    redirects = {**placed.redirects, **found.redirects}
    marks = zip(placed.urls, afters or [0] * len(placed.urls), strict=True)
    entries = placed.entries  # a line is replaced only where its mark changes
    marked = {url: e if (e := entries[url]).after == n else replace(e, after=n) for url, n in marks}
    return Assigned(
        Urls(config, named),
        tuple(redirects[url] for url in sorted(redirects)),
        {**placed.entries, **marked, **found.entries},
    )


class _Articles:
    """The articles' URLs, redirects, withdrawn URLs and record lines (one use: made, then read)."""

    def __init__(
        self, articles: Sequence[Article], urls: Urls, record: UrlRecord, part: str = ""
    ) -> None:
        self.kept: list[int] = []
        self.urls: list[str] = []
        self.errors: list[ContentError] = []
        self.redirects: dict[str, Redirect] = {}
        self.entries: dict[str, Entry] = {}
        owned = _owned(articles, record)
        holder = {url: file for file, urls_ in owned.items() for url in urls_}
        self._place(articles, urls, holder)
        placed = {
            articles[i].source_path: (articles[i], url)
            for i, url in zip(self.kept, self.urls, strict=True)
        }
        self.withdrawn = [url for file, us in owned.items() if file not in placed for url in us]
        self.ranks = [  # `placed` is in the order kept
            NEW if (us := owned.get(file)) is None else max(record[u].after for u in us)
            for file in placed
        ]
        for file, us in owned.items():
            got = placed.get(file)
            for url in us:
                entry = record[url]
                kind, digest, after = entry.kind, entry.digest, entry.after
                if got is not None:
                    article, target = got
                    digest, after = article.body_digest if kind == "article" else "", 0
                    if url != target:
                        self.redirects[url] = Redirect(url, target, file)
                kept_part = part if kind == "article" else ""
                self.entries[url] = _line(record, url, kind, file, digest, kept_part, after)
        for file, (article, target) in placed.items():
            line = self.entries.get(target)  # its own article line, made above: no one else's
            if line is None or line.kind != "article":
                self.entries[target] = _line(
                    record, target, "article", file, article.body_digest, part
                )
            self._aliases(article, target, holder)

    def _place(self, articles: Sequence[Article], urls: Urls, holder: dict[str, str]) -> None:
        """Each article on the URL the record gives it if that is one of its forms; else its
        plain form, or its hashed one where another derived slug or the record has that."""
        plain = [urls.article(a) for a in articles]
        present = {a.source_path for a in articles}
        counts = Counter(plain)
        owner: dict[str, int] = {}
        for i, (article, url) in enumerate(zip(articles, plain, strict=True)):
            file = article.source_path
            if holder.get(url) != file:  # the hashed form, only where the plain one is not its own
                hashed = url
                if not article.explicit_slug:
                    hashed = urls.article(article, f"{article.slug}-{short_hash(article.id)}")
                taken = counts[url] > 1 or holder.get(url, file) != file
                url = hashed if holder.get(hashed) == file or taken else url
            other = holder.get(url, file)
            if other != file and other not in present:
                message = (
                    f"its URL {url} was given to {other} ({RECORD_FILE}): give it another "
                    f"slug, or delete that line of {RECORD_FILE} to free the URL"
                )
                self.errors.append(ContentError(Path(file), 1, message))
            elif url in owner or other != file:
                other = articles[owner[url]].source_path if url in owner else other
                message = f"same URL {url} as {other}: give one a different slug"
                self.errors.append(ContentError(Path(file), 1, message))
            else:
                owner[url] = i
        self.kept, self.urls = list(owner.values()), list(owner)

    def _aliases(self, article: Article, target: str, holder: dict[str, str]) -> None:
        """`aliases:` redirect to the article, unless another page or owner has the address."""
        file = article.source_path
        for alias in article.aliases:
            other = holder.get(alias, file)
            if alias in self.entries and self.entries[alias].owner != (file,):
                other = self.entries[alias].owner[0]
            if other != file or alias == target:
                message = f"alias {alias} is the URL of {other}: an alias must be an unused address"
                self.errors.append(ContentError(Path(file), 1, message))
                continue
            self.redirects[alias] = Redirect(alias, target, file)
            self.entries.setdefault(alias, Entry("alias", (file,)))


def _line(
    record: UrlRecord, url: str, kind: str, file: str, digest: str, part: str, after: int = 0
) -> Entry:
    """A URL's line of the record as this build leaves it: the record's own object where it
    stays as it was (most lines, every build), else a new one."""
    old, line = record.get(url), (kind, (file,), digest, part, after)
    if old is not None and (old.kind, old.owner, old.digest, old.part, old.after) == line:
        return old
    return Entry(*line)


def _owned(articles: Sequence[Article], record: UrlRecord) -> dict[str, list[str]]:
    """Each file's recorded URLs; a file gone whose body a new file has is that file now."""
    owned: dict[str, list[str]] = defaultdict(list)
    digests: dict[str, str] = {}
    for url in sorted(record):
        entry = record[url]
        if entry.kind in ARTICLE_KINDS:
            owned[entry.owner[0]].append(url)
            if entry.kind == "article":
                digests[entry.owner[0]] = entry.digest
    present = {a.source_path for a in articles}
    newcomers: dict[str, list[str]] = defaultdict(list)
    unowned = (a for a in articles if a.source_path not in owned)  # few: sort only those
    for article in sorted(unowned, key=lambda a: a.source_path):
        newcomers[article.body_digest].append(article.source_path)
    for file in sorted(owned.keys() - present):
        if file in digests and newcomers.get(digests[file]):
            owned[newcomers[digests[file]].pop(0)] = owned.pop(file)
    return owned


class _Names:
    """The names' URLs: each kind's own rule, the record kept (one use per build)."""

    def __init__(self, record: UrlRecord) -> None:
        self.recorded: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
        self.taken: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
        for url, entry in record.items():
            self.recorded[entry.kind][url] = entry.owner
            self.taken[entry.kind][url.casefold()] = entry.owner
        self.entries: dict[str, Entry] = {}
        self.redirects: dict[str, Redirect] = {}

    def choose(self, kind: str, owner: tuple[str, ...], forms: list[str], made: str) -> str:
        """A name's URL: one of its `forms` the record gives it; else `made` (its rule's, which
        tells apart the names given together), unless the record gives that to another name in
        any case (a clone on macOS or Windows folds it): then its last, widest form."""
        recorded = self.recorded[kind]
        url = next((u for u in forms if recorded.get(u) == owner), "")
        if url:
            return url
        return forms[-1] if self.taken[kind].get(made.casefold(), owner) != owner else made

    def keep(self, kind: Kind, names: Iterable[str], urls: Urls) -> dict[str, str]:
        """Each name of a kind of grouping its URL, by the kind's rule (sitegen.kinds)."""
        made = kind.segments(names)
        chosen = {
            name: self.choose(
                kind.one,
                (name,),
                [urls.group_at(kind, f) for f in kind.forms(name)],
                urls.group_at(kind, segment),
            )
            for name, segment in made.items()
        }
        self._settle(kind.one, {(name,): url for name, url in chosen.items()})
        return chosen

    def categories(
        self, paths: Iterable[CategoryPath], slugs: Mapping[str, str], urls: Urls
    ) -> dict[CategoryPath, str]:
        """Parents first, as a category's URL holds its parents' segments; `[category_slugs]`
        maps a name to its one form."""
        chosen: dict[CategoryPath, str] = {}
        segments: dict[CategoryPath, list[str]] = {(): []}
        siblings: dict[CategoryPath, list[str]] = defaultdict(list)
        for path in paths:
            siblings[path[:-1]].append(path[-1])
        for parent in sorted(siblings, key=len):
            above = segments[parent]
            for name, made in name_segments(siblings[parent]).items():
                own = [slugs[name]] if name in slugs else name_forms(name)
                forms = [urls.category_at([*above, f]) for f in own]
                made_url = urls.category_at([*above, slugs.get(name) or made])
                path = (*parent, name)
                chosen[path] = self.choose("category", path, forms, made_url)
                segments[path] = [*above, chosen[path].rstrip("/").rsplit("/", 1)[-1]]
        self._settle("category", chosen)
        return chosen

    def _settle(self, kind: str, chosen: Mapping[tuple[str, ...], str]) -> None:
        """The record's lines of a kind, and a redirect from each URL a name had to the one it
        has now."""
        for owner, url in chosen.items():
            self.entries[url] = Entry(kind, owner)
        for old, owner in self.recorded[kind].items():
            self.entries.setdefault(old, Entry(kind, owner))
            if owner in chosen and chosen[owner] != old:
                self.redirects[old] = Redirect(old, chosen[owner])
