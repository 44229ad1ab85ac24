"""Crawler junk: a body that is an error page, a bot challenge or a placeholder, not an article.

It is held back (not published, listed with its reason) rather than dropped: the editor decides.
Error and challenge pages are short, so only a short text is judged by its words: a real article
that mentions "Access Denied" or Cloudflare is long (the real corpus has four such, none held).
"""

from __future__ import annotations

import re

NEW_ARTICLE_BODY = "在这里写正文（Markdown 或 HTML）。"  # what `sitegen new` writes
JUDGED_CHARS = 400  # a text longer than this is an article, whatever words it has
_ERROR = re.compile(
    r"\b[45]0[0-9]\b.{0,40}(?:not found|forbidden|bad gateway|service unavailable|server error"
    r"|gateway time-?out)|access denied|reference #\s*[0-9a-f.]{6,}|页面(?:没有|未)找到"
    r"|找不到(?:该|此|您要的)?页面|您(?:所)?(?:访问|要找|请求)的(?:页面|网页|内容)不存在"
    r"|(?:该|此)(?:网页|页面|文章)(?:已被?删除|不存在)|404\s*(?:错误|页面)",
    re.IGNORECASE,
)
_CHALLENGE = re.compile(
    r"just a moment\.{0,3}|checking (?:if the site connection is secure|your browser)"
    r"|attention required|enable javascript and cookies|verify (?:that )?you are (?:a )?human"
    r"|请(?:完成|进行)?(?:安全|人机)验证|访问验证|滑动(?:滑块)?验证",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    rf"^(?:{re.escape(NEW_ARTICLE_BODY)}|lorem ipsum\b.*|todo|tbd|正文待补充|待补充|此处为正文)$",
    re.IGNORECASE | re.DOTALL,
)
ERROR_PAGE, CHALLENGE_PAGE, PLACEHOLDER = "an error page", "a challenge page", "a placeholder body"


def junk(title: str, text: str) -> str:
    """Why an article is junk (ERROR_PAGE, CHALLENGE_PAGE, PLACEHOLDER), or "" when it is not."""
    text = text.strip()
    if _PLACEHOLDER.match(text):
        return PLACEHOLDER
    if len(text) > JUDGED_CHARS:
        return ""
    both = f"{title}\n{text}"
    if _CHALLENGE.search(both):
        return CHALLENGE_PAGE
    return ERROR_PAGE if _ERROR.search(both) else ""
