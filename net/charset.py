"""Which character encoding a body is in, and an incremental decoder that never raises.

Order of precedence (issue "Reading the web as text"): a user override, then the Content-Type
charset, then a byte-order mark, then (HTML only) a <meta> declaration in the first 1024 bytes,
then UTF-8, or windows-1252 when the bytes turn out not to be UTF-8 (the WHATWG default for
an undeclared page): while an undeclared body has been ASCII so far, a strict UTF-8 decoder
checks it, and at the first byte that is not UTF-8 the rest is decoded as windows-1252, which
gives exactly the whole body's windows-1252 decoding (both agree on ASCII); once a valid
non-ASCII UTF-8 character has been seen it stays UTF-8 (a stray byte is then replaced). The
HTML standard lets a BOM beat the header; Yonder follows its issue instead, so
the document view shows what the server declared and the View > Encoding menu can correct it.

Labels are read the way browsers read them (WHATWG Encoding): "iso-8859-1", "latin1" and
"ascii" mean windows-1252, "gb2312" means GBK, and so on; Python-only codecs that are not text
encodings (base64, rot13, ...) or are unsafe on the web (utf-7) are refused as unknown.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

__all__ = [
    "META_PRESCAN_BYTES",
    "CharsetChoice",
    "StreamTextDecoder",
    "charset_from_content_type",
    "declared_charset",
    "lookup_charset",
    "media_type",
    "sniff_bom",
    "sniff_meta_charset",
]

#: How far into an HTML body a <meta> charset is looked for (the HTML prescan's limit).
META_PRESCAN_BYTES = 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LONGEST_BOM = max(len(bom) for bom, _ in _BOMS)
# Encodings whose leading U+FEFF can only be a byte-order mark, stripped from the text.
_BOM_STRIPPED = frozenset(name for _, name in _BOMS)

# WHATWG labels Python does not know under that name.
_WEB_LABELS = {
    "windows-874": "cp874",
    "x-mac-roman": "mac-roman",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "x-gbk": "gbk",
    "windows-949": "cp949",
    "x-user-defined": "cp1252",
    "iso-8859-8-i": "iso8859-8",
    "koi8-ru": "koi8-u",
    "x-x-big5": "big5hkscs",
    "unicode-1-1-utf-8": "utf-8",
    "unicode11utf8": "utf-8",
    "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
}
# Python codec name -> the codec a browser actually uses for that label.
_WEB_CODECS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gbk",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
}
# Text codecs that must not be chosen by a web page: escapes, IDNA, a no-op that always fails,
# and UTF-7 (which browsers refuse because it hides markup from filters).
_REFUSED = frozenset(
    {"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"}
)


class CharsetSource(StrEnum):
    """Why a body is decoded with its encoding (a str: the status bar words it)."""

    HEADER = "header"  # the Content-Type charset
    BOM = "bom"
    META = "meta"  # <meta charset> in the first bytes of an HTML page
    DEFAULT = "default"  # nothing declared: UTF-8
    FALLBACK = "fallback"  # nothing declared, not UTF-8: windows-1252
    OVERRIDE = "override"  # View > Encoding


@dataclass(frozen=True)
class CharsetChoice:
    """The encoding a body is decoded with, and why."""

    encoding: str  # a Python codec name, normalised by codecs.lookup(): "utf-8", "cp1252"
    source: CharsetSource
    # A charset the Content-Type declared but the codec registry does not know (so it was
    # ignored): the window says so instead of "nothing declared".
    ignored: str = ""


def lookup_charset(label: str, *, web: bool = True) -> str | None:
    """The normalised Python codec name for a charset label, or None if unknown or refused.

    ``web``: read the label as a browser does ("iso-8859-1" is windows-1252). The View >
    Encoding override passes ``web=False``: a user who picks Latin-1 gets Latin-1.
    """
    label = label.strip("\t\n\x0c\r ").lower()
    if not label or len(label) > 64 or not label.isascii():
        return None
    if web:
        label = _WEB_LABELS.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    # base64, rot13, zlib... are bytes<->bytes or str<->str transforms, not text encodings.
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return _WEB_CODECS.get(info.name, info.name) if web else info.name


def _content_type_params(value: str) -> tuple[str, list[tuple[str, str]]]:
    """Split a Content-Type into its lower-cased media type and (name, value) parameters.

    Quoted values may contain ';' and backslash escapes; names are case-insensitive.
    """
    media, _, rest = value.partition(";")
    params: list[tuple[str, str]] = []
    i, n = 0, len(rest)
    while i < n:
        while i < n and rest[i] in " \t;":
            i += 1
        start = i
        while i < n and rest[i] not in "=;":
            i += 1
        name = rest[start:i].strip().lower()
        if i >= n or rest[i] == ";":
            continue  # a parameter without "=": ignored
        i += 1  # the "="
        if i < n and rest[i] == '"':
            chars: list[str] = []
            i += 1
            while i < n and rest[i] != '"':
                if rest[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(rest[i])
                i += 1
            i += 1  # the closing quote (or past the end)
            val = "".join(chars)
            while i < n and rest[i] != ";":  # anything after the quoted string is dropped
                i += 1
        else:
            start = i
            while i < n and rest[i] != ";":
                i += 1
            val = rest[start:i].strip(" \t")
        if name:
            params.append((name, val))
    return media.strip(" \t").lower(), params


def media_type(content_type: str) -> str:
    """The media type alone: "text/html; charset=utf-8" gives "text/html"."""
    return _content_type_params(content_type)[0]


def charset_from_content_type(value: str) -> str | None:
    """The codec named by a Content-Type's charset parameter, or None (absent or unknown)."""
    label = declared_charset(value)
    return lookup_charset(label) if label is not None else None


def declared_charset(value: str) -> str | None:
    """The charset label a Content-Type declares, as written (known or not), or None."""
    for name, val in _content_type_params(value)[1]:
        if name == "charset":  # the first charset parameter counts, as in browsers
            val = val.strip()
            if len(val) >= 2 and val[0] == val[-1] == "'":  # charset='utf-8': seen in the wild
                val = val[1:-1]
            return val
    return None


def sniff_bom(prefix: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) if ``prefix`` starts with a UTF-8/16/32 byte-order mark."""
    for bom, name in _BOMS:
        if prefix.startswith(bom):
            return name, len(bom)
    return None


def _may_become_longer_bom(prefix: bytes) -> bool:
    """Whether more bytes could still turn ``prefix`` into a (longer) byte-order mark."""
    return any(len(bom) > len(prefix) and bom.startswith(prefix) for bom, _ in _BOMS)


class _RanOut(Exception):
    """The prescan reached the end of the bytes in the middle of a construct."""


_SPACE = "\t\n\x0c\r "


def _get_attribute(s: str, i: int) -> tuple[str, str, int] | tuple[None, None, int]:
    """HTML "get an attribute": (name, value, position), or (None, None, position of '>')."""
    n = len(s)

    def at(k: int) -> str:
        if k >= n:
            raise _RanOut
        return s[k]

    while at(i) in _SPACE + "/":
        i += 1
    if s[i] == ">":
        return None, None, i
    name: list[str] = []
    while True:
        c = at(i)
        if c == "=" and name:
            i += 1
            break
        if c in _SPACE:
            while at(i) in _SPACE:
                i += 1
            if s[i] != "=":
                return "".join(name), "", i
            i += 1
            break
        if c in "/>":
            return "".join(name), "", i
        name.append(c.lower())
        i += 1
    while at(i) in _SPACE:
        i += 1
    c = s[i]
    if c in "\"'":
        end = s.find(c, i + 1)
        if end < 0:
            raise _RanOut
        return "".join(name), s[i + 1 : end].lower(), end + 1
    if c == ">":
        return "".join(name), "", i
    start = i
    while at(i) not in _SPACE + ">":
        i += 1
    return "".join(name), s[start:i].lower(), i


def _charset_from_meta_content(content: str) -> str | None:
    """HTML "extract a character encoding from a meta element" (content="...; charset=x")."""
    pos = 0
    while True:
        k = content.find("charset", pos)
        if k < 0:
            return None
        pos = k + len("charset")
        while pos < len(content) and content[pos] in _SPACE:
            pos += 1
        if pos < len(content) and content[pos] == "=":
            break
    pos += 1
    while pos < len(content) and content[pos] in _SPACE:
        pos += 1
    if pos >= len(content):
        return None
    c = content[pos]
    if c in "\"'":
        end = content.find(c, pos + 1)
        return content[pos + 1 : end] if end > 0 else None
    end = pos
    while end < len(content) and content[end] not in _SPACE + ";":
        end += 1
    return content[pos:end] or None


def _meta_charset(s: str, i: int) -> tuple[str | None, int]:
    """Parse the attributes of a <meta> tag at ``i``: (charset or None, position of '>')."""
    seen: set[str] = set()
    got_pragma = False
    need_pragma: bool | None = None
    charset: str | None = None
    while True:
        name, value, i = _get_attribute(s, i)
        if name is None or value is None:
            break
        if name in seen:
            continue
        seen.add(name)
        if name == "http-equiv":
            got_pragma = got_pragma or value == "content-type"
        elif name == "content":
            label = _charset_from_meta_content(value)
            if label is not None and charset is None:
                charset, need_pragma = label, True
        elif name == "charset":
            charset, need_pragma = value, False
    if need_pragma is None or (need_pragma and not got_pragma) or charset is None:
        return None, i
    encoding = lookup_charset(charset)
    if encoding is not None and encoding.startswith(("utf-16", "utf-32")):
        # A page readable as ASCII cannot really be UTF-16/32 (HTML standard): use UTF-8.
        encoding = "utf-8"
    return encoding, i


def _prescan(s: str) -> str | None:
    """The HTML prescan over latin-1 text; raises _RanOut if a construct is cut off."""
    n = len(s)
    i = 0
    while i < n:
        if s.startswith("<!--", i):
            end = s.find("-->", i + 2)  # "<!-->" is a whole comment: the dashes may overlap
            if end < 0:
                raise _RanOut
            i = end + 3
            continue
        if s.startswith("<", i) and s[i + 1 : i + 5].lower() == "meta":
            if i + 5 >= n:
                raise _RanOut
            if s[i + 5] in _SPACE + "/":
                encoding, i = _meta_charset(s, i + 5)
                if encoding is not None:
                    return encoding
                i += 1
                continue
        if s.startswith("<", i) and i + 1 < n:
            after = s[i + 1 : i + 3]
            letter = after[:1].isascii() and after[:1].isalpha()
            end_letter = after[:1] == "/" and after[1:2].isascii() and after[1:2].isalpha()
            if letter or end_letter:
                i += 1
                while i < n and s[i] not in _SPACE + ">":
                    i += 1
                while True:  # skip the attributes: a quoted '>' does not end the tag
                    name, _, i = _get_attribute(s, i)
                    if name is None:
                        break
                i += 1
                continue
            if after[:1] in ("!", "/", "?"):
                end = s.find(">", i + 2)
                if end < 0:
                    raise _RanOut
                i = end + 1
                continue
        i += 1
    return None


def sniff_meta_charset(prefix: bytes) -> str | None:
    """The encoding an HTML <meta> declares in the first 1024 bytes of ``prefix``, or None.

    Handles <meta charset=...> and <meta http-equiv="Content-Type" content="...charset=...">
    in any attribute order and quoting, skipping comments and other tags' attribute values
    as the HTML standard's prescan does. A construct cut off by the end of ``prefix`` counts
    as absent, so a result found in a shorter prefix is the result for a longer one too.
    """
    try:
        return _prescan(prefix[:META_PRESCAN_BYTES].decode("latin-1"))
    except _RanOut:
        return None


def _is_html(content_type: str) -> bool:
    return media_type(content_type) in ("text/html", "application/xhtml+xml")


class StreamTextDecoder:
    """Bytes in, text out, incrementally; invalid bytes become U+FFFD, nothing raises.

    Until the encoding is chosen (``choice`` is None) ``feed`` holds back at most the first
    1024 bytes (a BOM needs 4, an HTML <meta> up to 1024) and returns "".
    """

    def __init__(
        self, content_type: str = "", override: str | None = None, sniff_html: bool | None = None
    ) -> None:
        self._sniff_html = _is_html(content_type) if sniff_html is None else sniff_html
        self._held = b""
        self._decoder: _TextDecoder | None = None
        self._strip_bom = False
        self._ignored = ""
        # Strict UTF-8 over an undeclared body while it has been ASCII (see the module doc).
        self._probe: codecs.IncrementalDecoder | None = None
        self._cut = False  # finish(cut=True): the body was cut short
        self.choice: CharsetChoice | None = None
        # An override the codec registry does not know is ignored: choice.source tells.
        encoding = lookup_charset(override, web=False) if override else None
        if encoding is not None:
            self._commit(CharsetChoice(encoding, CharsetSource.OVERRIDE))
            return
        # The header before the BOM: see the module docstring.
        label = declared_charset(content_type)
        encoding = lookup_charset(label) if label is not None else None
        if encoding is not None:
            self._commit(CharsetChoice(encoding, CharsetSource.HEADER))
        elif label:
            self._ignored = label[:64]

    def feed(self, data: bytes) -> str:
        if self._decoder is None:
            self._held += data
            if not self._decide(final=False, grew_tag=b">" in data):
                return ""
            data, self._held = self._held, b""
        return self._text(data, final=False)

    def decide_now(self) -> str:
        """Choose the encoding from what has arrived so far and return the held-back text.

        For a slow server: an HTML page with no charset in its header would otherwise stay
        off screen until 1024 bytes (the <meta> prescan window) or the end had arrived.
        Returns "" when the encoding was already chosen.
        """
        if self._decoder is not None:
            return ""
        self._decide(final=True, grew_tag=True)
        data, self._held = self._held, b""
        return self._text(data, final=False)

    def finish(self, *, cut: bool = False) -> str:
        """The rest of the text. ``cut``: the body ends here only because it was cut short (a
        Stop, a failed transfer, the view's cap), so a UTF-8 sequence cut after its lead byte
        is no evidence that the body is not UTF-8."""
        self._cut = cut
        if self._decoder is None:
            self._decide(final=True, grew_tag=True)
        data, self._held = self._held, b""
        return self._text(data, final=True)

    def _decide(self, *, final: bool, grew_tag: bool) -> bool:
        held = self._held
        if not final and _may_become_longer_bom(held[:_LONGEST_BOM]):
            return False
        bom = sniff_bom(held)
        if bom is not None:
            self._held = held[bom[1] :]
            self._commit(CharsetChoice(bom[0], CharsetSource.BOM), bom_stripped=True)
            return True
        if self._sniff_html:
            # Rescan only when a tag may have just closed; cheap for byte-at-a-time feeds.
            if grew_tag and b"<meta" in held[:META_PRESCAN_BYTES].lower():
                encoding = sniff_meta_charset(held)
                if encoding is not None:
                    self._commit(CharsetChoice(encoding, CharsetSource.META))
                    return True
            if not final and len(held) < META_PRESCAN_BYTES:
                return False
        self._commit(CharsetChoice("utf-8", CharsetSource.DEFAULT))
        self._probe = codecs.getincrementaldecoder("utf-8")(errors="strict")
        return True

    def _commit(self, choice: CharsetChoice, *, bom_stripped: bool = False) -> None:
        if self._ignored and choice.source is not CharsetSource.OVERRIDE:
            choice = replace(choice, ignored=self._ignored)
        self.choice = choice
        self._decoder = _incremental_decoder(choice.encoding)
        # A declared UTF encoding may still start with a BOM: a mark, stripped. Undeclared
        # ("default"), a BOM would have been sniffed: a U+FEFF later is content.
        self._strip_bom = (
            not bom_stripped
            and choice.encoding in _BOM_STRIPPED
            and choice.source is not CharsetSource.DEFAULT
        )

    def _text(self, data: bytes, *, final: bool) -> str:
        assert self._decoder is not None and self.choice is not None
        if self._probe is not None:
            return self._probe_text(data, final)
        try:
            text = self._decoder.decode(data, final)
        except (UnicodeError, ValueError):
            # A few stateful codecs raise even with errors="replace" (iso2022_jp: "pending
            # buffer overflow" on garbage). The document view must never fail: mark the spot
            # and start that codec afresh.
            self._decoder = _incremental_decoder(self.choice.encoding)
            text = "\ufffd"
        if self._strip_bom and text:
            # A declared UTF encoding with a BOM: the BOM is a mark, not content.
            self._strip_bom = False
            if text[0] == "\ufeff":
                text = text[1:]
        return text

    def _probe_text(self, data: bytes, final: bool) -> str:
        probe = self._probe
        assert probe is not None
        held = probe.getstate()[0]  # an incomplete sequence from the last chunk
        try:
            text = probe.decode(data, final)
        except UnicodeDecodeError as exc:
            self._probe = None
            # A body cut inside a UTF-8 sequence (a lead byte and its continuation bytes) is
            # UTF-8 with its last character replaced, not windows-1252; a lone high byte at
            # the end of a whole body is no evidence of UTF-8 and still switches, unless the
            # body was cut there (then it is the start of a character that did not come).
            truncated = (
                final
                and exc.reason == "unexpected end of data"
                and (exc.end - exc.start >= 2 or self._cut)
            )
            if truncated or not (held + data)[: exc.start].isascii():
                # Real UTF-8 before the bad byte (in this chunk): UTF-8, the byte replaced.
                self._decoder = _incremental_decoder("utf-8")
            else:
                self._commit(CharsetChoice("cp1252", CharsetSource.FALLBACK))
            assert self._decoder is not None
            return self._decoder.decode(held + data, final)
        if not text.isascii():
            # Real UTF-8: from now on the ordinary decoder (invalid bytes replaced).
            self._probe = None
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            decoder.setstate(probe.getstate())
            self._decoder = decoder
        return text


class _TextDecoder(Protocol):
    def decode(self, input: bytes, final: bool = False) -> str: ...


class _BomOrLittleEndian:
    """Decodes "utf-16"/"utf-32" (no byte order given): a BOM decides, else little-endian.

    Python's own utf-16/utf-32 incremental decoders raise when the BOM is missing.
    """

    def __init__(self, width: int) -> None:
        self._width = width
        self._head = b""
        self._inner: codecs.IncrementalDecoder | None = None

    def decode(self, input: bytes, final: bool = False) -> str:
        if self._inner is None:
            self._head += input
            if len(self._head) < self._width and not final:
                return ""
            input, self._head = self._head, b""
            name = f"utf-{self._width * 8}-le"  # WHATWG's default for "utf-16"
            for bom, bom_name in _BOMS:
                if len(bom) == self._width and input.startswith(bom):
                    name, input = bom_name, input[self._width :]
                    break
            self._inner = codecs.getincrementaldecoder(name)(errors="replace")
        return self._inner.decode(input, final)


def _incremental_decoder(encoding: str) -> _TextDecoder:
    if encoding in ("utf-16", "utf-32"):
        return _BomOrLittleEndian(2 if encoding == "utf-16" else 4)
    return codecs.getincrementaldecoder(encoding)(errors="replace")
