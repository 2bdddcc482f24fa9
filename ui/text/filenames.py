"""A safe file name to suggest when saving a response.

The name comes from the server (Content-Disposition) or the URL, so it is untrusted input:
it must never escape the chosen folder, hide its real extension, or be a name the file system
refuses. The user still confirms it in the save dialog.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from urllib.parse import unquote, urlsplit

__all__ = [
    "MAX_FILENAME_BYTES",
    "parse_content_disposition",
    "sanitize_filename",
    "suggest_filename",
]

MAX_FILENAME_BYTES = 200  # well under the 255-byte limit of common file systems
FALLBACK = "download"

# Windows refuses these as a name, whatever the extension ("nul.txt" too).
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"com{i}" for i in "123456789¹²³"}
    | {f"lpt{i}" for i in "123456789¹²³"}
)
_FORBIDDEN = re.compile(r'[<>:"|?*\\/]')
_PARAM = re.compile(
    r"""
    ;\s*(?P<name>[^\s=;]+)\s*=\s*
    (?P<value>"(?:[^"\\]|\\.)*"?|[^;]*)
    """,
    re.VERBOSE,
)


def _unquote_header_value(value: str) -> str:
    value = value.strip()
    if value.startswith('"'):
        value = value[1:-1] if value.endswith('"') and len(value) > 1 else value[1:]
        value = re.sub(r"\\(.)", r"\1", value)
    return value


def _latin1_as_utf8(value: str) -> str:
    """Header values arrive latin-1 decoded; a server sending raw UTF-8 meant UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def parse_content_disposition(value: str) -> str | None:
    """The file name a Content-Disposition header gives: filename* (RFC 5987/6266,
    ``UTF-8''na%C3%AFve.txt``) beats filename=. None when there is none."""
    params: dict[str, str] = {}
    for match in _PARAM.finditer(";" + value.split(";", 1)[1] if ";" in value else ""):
        name = match.group("name").lower()
        params.setdefault(name, match.group("value"))
    extended = params.get("filename*")
    if extended is not None:
        raw = _unquote_header_value(extended)
        charset, sep, rest = raw.partition("'")
        if sep:
            _lang, sep, encoded = rest.partition("'")
            if sep:
                try:
                    return unquote(encoded, encoding=charset.strip() or "utf-8", errors="replace")
                except LookupError:
                    return unquote(encoded, encoding="utf-8", errors="replace")
    plain = params.get("filename")
    if plain is not None:
        return _latin1_as_utf8(_unquote_header_value(plain))
    return None


def _truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def sanitize_filename(name: str, fallback: str = FALLBACK) -> str:
    """Make ``name`` a plain, portable file name; ``fallback`` when nothing usable is left."""
    name = unicodedata.normalize("NFC", name)
    # Only the last path component: "../../etc/passwd" -> "passwd", "C:\\x\\y.exe" -> "y.exe".
    name = re.split(r"[/\\]", name)[-1]
    # Control and format characters (incl. bidi overrides that disguise "exe.txt") go.
    name = "".join(
        ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name)
    name = name.strip(" .")  # no hidden dot-files, no trailing dots/spaces (Windows drops them)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.strip(" ").lower() in _RESERVED or name.lower() in _RESERVED:
        name = "_" + name
    if len(name.encode("utf-8")) > MAX_FILENAME_BYTES:
        suffix = ("." + ext) if dot and 0 < len(ext.encode("utf-8")) <= 16 else ""
        stem = name[: len(name) - len(suffix)] if suffix else name
        name = _truncate_utf8(stem, MAX_FILENAME_BYTES - len(suffix.encode("utf-8")))
        name = name.rstrip(" .") + suffix
    return name or fallback


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _extension_for(media: str) -> str:
    if not media or media == "application/octet-stream":
        return ""
    if media == "text/plain":
        return ".txt"  # mimetypes may answer ".bat" or ".c" depending on the platform table
    return mimetypes.guess_extension(media, strict=False) or ""


def last_path_segment(url: str) -> str:
    """The last segment of an address's path as written ("romeo.txt", "dir" for ".../dir/"),
    without its query and fragment; "" when the path names none (a site's root)."""
    path = url.split("://", 1)[-1].partition("/")[2]
    return path.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def suggest_filename(url: str, content_disposition: str | None, content_type: str | None) -> str:
    """A sanitised name for saving this response.

    Content-Disposition's filename* then filename; else the URL's last path segment
    (percent-decoded); else "index" (HTML) or "download"; an extension guessed from the
    Content-Type is added when the name has none.
    """
    media = _media_type(content_type)
    name = parse_content_disposition(content_disposition) if content_disposition else None
    if not name:
        try:
            path = urlsplit(url).path
        except ValueError:
            path = ""
        segment = path.rsplit("/", 1)[-1]
        name = unquote(segment, encoding="utf-8", errors="replace")
    html = media in ("text/html", "application/xhtml+xml")
    fallback = "index.html" if html else FALLBACK + _extension_for(media)
    clean = sanitize_filename(name, fallback="")
    if not clean:
        return sanitize_filename(fallback)
    if "." not in clean.lstrip("_"):
        clean = sanitize_filename(clean + _extension_for(media), fallback=fallback)
    return clean
