"""The ONE place user-written HTML is cleaned (bleach, explicit allow-list).

Feedback and messages are stored cleaned and shown as stored; nothing else in the app marks
user text as safe.
"""
from __future__ import annotations

import bleach
from markupsafe import Markup

ALLOWED_TAGS = ["p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = ["https", "http", "mailto", "tel"]

_cleaner = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                          protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True,
                          filters=[])


def _rel(attrs, new=False):
    """Links open safely: no referrer or opener for the site they lead to."""
    attrs[(None, "rel")] = "noopener noreferrer nofollow"
    return attrs


_linker = bleach.Linker(callbacks=[_rel])


def clean_html(html: str) -> Markup:
    """Keep paragraphs, bold, italic, lists and links; drop everything else (scripts, styles,
    event handlers, javascript: URLs, iframes ...)."""
    cleaned = _cleaner.clean(html or "")
    return Markup(_linker.linkify(cleaned))


def text_to_html(text: str) -> Markup:
    """Plain text (as residents write it) to safe paragraphs."""
    paragraphs = [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
    escaped = [str(Markup.escape(p)).replace("\n", "<br>") for p in paragraphs]
    return clean_html("".join(f"<p>{p}</p>" for p in escaped))
