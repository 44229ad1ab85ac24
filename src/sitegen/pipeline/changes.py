"""A change set, classified once (Zola's `ChangeKind`): what a build must read and make again.

`sitegen build` reads everything (`EVERYTHING`); the dev server hands over the paths it saw change,
and each build step asks this one answer: which content files to read again, whether the templates
or the static files changed (then any page may look different), whether the configuration did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import SiteConfig
from sitegen.render import static_dirs, template_dirs


@dataclass(frozen=True)
class Changes:
    """`content` None means every content file is read afresh (a whole build)."""

    content: frozenset[Path] | None = None
    templates: bool = False
    static: tuple[Path, ...] = ()  # changed static files (or gone), resolved
    config: bool = False  # site.toml, or a whole watched folder appeared or went

    @property
    def layout(self) -> bool:
        """Whether any page may look different, whatever its key says of its content."""
        return self.templates or bool(self.static) or self.config


EVERYTHING = Changes()


def classify(paths: Iterable[Path], config: SiteConfig, layout: Iterable[Path] = ()) -> Changes:
    """The changed `paths` sorted into kinds; one of `layout` (site.toml, the watched folders
    themselves) changed means the configuration did."""
    resolved = {p.resolve() for p in paths}
    templates = [d.resolve() for d in template_dirs(config)]
    statics = [d.resolve() for d in static_dirs(config)]
    static = tuple(sorted(p for p in resolved if any(p.is_relative_to(d) for d in statics)))
    in_templates = {p for p in resolved if any(p.is_relative_to(d) for d in templates)}
    return Changes(
        content=frozenset(resolved - in_templates - set(static)),
        templates=bool(in_templates),
        static=static,
        config=bool(resolved & {p.resolve() for p in layout}),
    )
