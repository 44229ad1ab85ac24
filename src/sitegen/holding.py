"""What a build holds back rather than publishes: crawler junk and items dated beyond now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sitegen.models import Article

FUTURE_SLACK = timedelta(hours=26)  # the widest gap between two time zones' clocks


@dataclass(frozen=True)
class Holding:
    """What is held back: junk and items dated beyond `now` (the build's now, an input so that a
    build from scratch is reproducible), unless `publish` (--publish-held) says publish them."""

    now: datetime
    publish: bool = False

    def reason(self, article: Article) -> str:
        """Why the article is held back, or "" (also when its front matter says `hold: false`)."""
        if self.publish or not article.hold:
            return ""
        if article.junk:
            return f"held back: its body is {article.junk}"
        if self.future(article):
            return f"held back: dated {article.date.isoformat()}, beyond now"
        return ""

    def future(self, article: Article) -> bool:
        """Dated beyond now, with a slack for time zones."""
        return article.date > self.now + FUTURE_SLACK
