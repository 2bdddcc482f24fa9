"""JSON bodies: recognise the type, pretty-print once the body is complete."""

from __future__ import annotations

import json

__all__ = ["MAX_PRETTY_CHARS", "is_json_type", "pretty_json"]

# Parsing builds the whole object tree (~10x the text in memory): past this, show the source.
MAX_PRETTY_CHARS = 32 * 1024 * 1024


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def is_json_type(content_type: str) -> bool:
    """application/json, text/json and any structured "+json" type (application/ld+json)."""
    media = _media_type(content_type)
    return media in ("application/json", "text/json") or ("/" in media and media.endswith("+json"))


def pretty_json(text: str) -> str | None:
    """The JSON re-indented by 2 (non-ASCII kept as is), or None when it is not valid JSON
    (or too large, or nested too deeply for the parser)."""
    if len(text) > MAX_PRETTY_CHARS:
        return None
    try:
        value = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return None
    try:
        return json.dumps(value, indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None
