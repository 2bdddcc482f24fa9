"""Charset choice (override, header, BOM, meta, default) and the incremental text decoder.

Every stream case runs whole, one byte at a time, at any split, and with trailing garbage.
"""

from __future__ import annotations

import codecs
import encodings.aliases
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from net.charset import (
    CharsetChoice,
    StreamTextDecoder,
    charset_from_content_type,
    lookup_charset,
    media_type,
    sniff_bom,
    sniff_meta_charset,
)
from tests.unit.feeds import FEEDS, bytewise, split_at

HTML = "text/html"


def stream(
    chunks: Iterable[bytes], content_type: str = "", override: str | None = None
) -> tuple[str, CharsetChoice | None]:
    decoder = StreamTextDecoder(content_type, override)
    text = "".join(decoder.feed(chunk) for chunk in chunks) + decoder.finish()
    return text, decoder.choice


# --- Content-Type ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text/html; charset=utf-8", "utf-8"),
        ('text/html;charset="UTF-8"', "utf-8"),
        ("TEXT/HTML ;  CharSet=Utf-8 ", "utf-8"),
        ("text/plain; format=flowed; charset=koi8-r", "koi8-r"),
        ('text/html; foo="a;charset=koi8-r"; charset=utf-8', "utf-8"),
        ('text/html; charset="utf\\-8"', "utf-8"),
        ("text/html; charset='utf-8'", "utf-8"),
        ("text/html; charset=utf-8; charset=koi8-r", "utf-8"),  # the first one counts
        ("text/html; charset=windows-1251", "cp1251"),
        # Labels read as browsers read them (WHATWG Encoding).
        ("text/html; charset=iso-8859-1", "cp1252"),
        ("text/html; charset=US-ASCII", "cp1252"),
        ("text/html; charset=gb2312", "gbk"),
        ("text/html; charset=shift_jis", "cp932"),
        ("text/html; charset=windows-874", "cp874"),
        ("text/plain; charset=utf-16", "utf-16"),
        ("text/plain; charset=UTF-16LE", "utf-16-le"),
        # Absent, empty, unknown, or refused.
        ("text/html", None),
        ("", None),
        ("text/html; charset=", None),
        ('text/html; charset=""', None),
        ("text/html; charset", None),
        ("text/html; charset=klingon", None),
        ("text/html; charset=base64", None),
        ("text/html; charset=rot13", None),
        ("text/html; charset=utf-7", None),
        ("text/html; charset=unicode_escape", None),
        ("text/html; charset=ütf-8", None),
        ('text/html; charset="utf-8', "utf-8"),  # an unterminated quote ends the value
    ],
)
def test_charset_from_content_type(value: str, expected: str | None) -> None:
    assert charset_from_content_type(value) == expected


def test_media_type_drops_parameters() -> None:
    assert media_type(" Text/HTML ; charset=utf-8") == "text/html"


def test_an_override_names_a_python_codec_as_is() -> None:
    assert lookup_charset("ISO-8859-1", web=False) == "iso8859-1"
    assert lookup_charset("ISO-8859-1") == "cp1252"
    assert lookup_charset("base64", web=False) is None


# --- BOM -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (b"\xef\xbb\xbfabc", ("utf-8", 3)),
        (b"\xff\xfea\x00", ("utf-16-le", 2)),
        (b"\xfe\xff\x00a", ("utf-16-be", 2)),
        (b"\xff\xfe\x00\x00a\x00\x00\x00", ("utf-32-le", 4)),
        (b"\x00\x00\xfe\xffabcd", ("utf-32-be", 4)),
        (b"\xef\xbb", None),
        (b"", None),
        (b"<html>", None),
    ],
)
def test_sniff_bom(prefix: bytes, expected: tuple[str, int] | None) -> None:
    assert sniff_bom(prefix) == expected


# --- <meta> prescan -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<meta charset="koi8-r">', "koi8-r"),
        ("<META CHARSET=KOI8-R>", "koi8-r"),
        ("<meta charset='windows-1251'/>", "cp1251"),
        ("<meta\tcharset = koi8-r >", "koi8-r"),
        ("<meta charset=iso-8859-1>", "cp1252"),
        ("<meta charset=latin1>", "cp1252"),
        ("<meta charset=ascii>", "cp1252"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">', "koi8-r"),
        ("<meta content='text/html;charset=\"koi8-r\"' http-equiv=CONTENT-TYPE>", "koi8-r"),
        ('<meta http-equiv=content-type content="text/html; charset = shift_jis">', "cp932"),
        ('<meta content="text/html; charset=koi8-r">', None),  # no http-equiv: no pragma
        ('<meta http-equiv="refresh" content="5; charset=koi8-r">', None),
        ("<meta charset=koi8-r charset=utf-8>", "koi8-r"),  # a repeated attribute is ignored
        ('<meta charset="utf-16">', "utf-8"),  # readable as ASCII: cannot be UTF-16
        ('<meta charset="x-user-defined">', "cp1252"),
        ('<meta charset="klingon"><meta charset="koi8-r">', "koi8-r"),
        ('<meta charset="utf-7"><meta charset="koi8-r">', "koi8-r"),
        ('<!-- <meta charset="koi8-r"> --><meta charset="cp1251">', "cp1251"),
        ('<!--><meta charset="koi8-r">', "koi8-r"),  # "<!-->" is a whole comment
        ('<!-- unterminated <meta charset="koi8-r">', None),
        ("<div title='<meta charset=\"koi8-r\">'><meta charset=cp1251>", "cp1251"),
        ('<?xml version="1.0"?><!DOCTYPE html><meta charset=koi8-r>', "koi8-r"),
        ("</p title='<meta charset=koi8-r>'><meta charset=cp1251>", "cp1251"),
        ("<metadata charset=koi8-r>", None),
        ('<meta charset="koi8-r"', None),  # cut off before '>'
        ("<meta charset=koi8-r", None),
        ("<meta", None),
        ("<p>plain</p>", None),
        ("", None),
        (" " * 1010 + "<meta charset=koi8-r>", None),  # ends past the first 1024 bytes
        (" " * 900 + "<meta charset=koi8-r>", "koi8-r"),
    ],
)
def test_sniff_meta_charset(html: str, expected: str | None) -> None:
    assert sniff_meta_charset(html.encode("latin-1")) == expected


FRAGMENTS = [
    "<html>",
    "<head>",
    "<!-- c -->",
    "<!-->",
    "<meta charset=koi8-r>",
    "<meta charset='cp1251'>",
    '<meta http-equiv="content-type" content="text/html; charset=koi8-u">',
    "<div title='>'>",
    "text ",
    "<?pi?>",
    "</p>",
    "<!-- ",
    "-->",
    "<meta name=x>",
]


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.sampled_from(FRAGMENTS), max_size=25), cut=st.integers(0, 1100))
def test_a_meta_found_in_a_prefix_is_the_meta_of_the_whole(parts: list[str], cut: int) -> None:
    # What lets the stream decoder commit as soon as a <meta> closes.
    doc = "".join(parts).encode()
    found = sniff_meta_charset(doc[:cut])
    if found is not None:
        assert sniff_meta_charset(doc) == found


# --- the stream decoder: precedence ---------------------------------------------------------

KOI8_WORD = "Привет".encode("koi8-r")


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize(
    ("content_type", "override", "body", "text", "choice"),
    [
        # override > header
        (
            "text/plain; charset=utf-8",
            "koi8-r",
            KOI8_WORD,
            "Привет",
            ("koi8-r", "override"),
        ),
        # header > BOM (the order; the HTML standard would let the BOM win)
        ("text/plain; charset=latin1", None, b"\xef\xbb\xbfhi", "ï»¿hi", ("cp1252", "header")),
        # a BOM agreeing with the header is a mark, not text
        ("text/plain; charset=utf-8", None, b"\xef\xbb\xbfhi", "hi", ("utf-8", "header")),
        ("text/plain; charset=utf-16", None, b"\xfe\xff\x00h\x00i", "hi", ("utf-16", "header")),
        ("text/plain; charset=utf-16", None, b"h\x00i\x00", "hi", ("utf-16", "header")),
        ("text/plain; charset=utf-16", None, b"\xff\xfe\x00\x00", "\x00", ("utf-16", "header")),
        (
            "text/plain; charset=utf-32",
            None,
            b"\x00\x00\xfe\xff\x00\x00\x00h",
            "h",
            ("utf-32", "header"),
        ),
        (
            "text/plain; charset=utf-16le",
            None,
            b"\xff\xfeh\x00i\x00",
            "hi",
            ("utf-16-le", "header"),
        ),
        # BOM > meta
        (
            HTML,
            None,
            b"\xef\xbb\xbf<meta charset=koi8-r>\xd0\x96",
            "<meta charset=koi8-r>Ж",
            ("utf-8", "bom"),
        ),
        (HTML, None, b"\xfe\xff\x00h\x00i", "hi", ("utf-16-be", "bom")),
        (HTML, None, b"\xff\xfe\x00\x00h\x00\x00\x00", "h", ("utf-32-le", "bom")),
        # meta > default, HTML only
        (
            HTML,
            None,
            b"<meta charset=koi8-r>" + KOI8_WORD,
            "<meta charset=koi8-r>Привет",
            ("koi8-r", "meta"),
        ),
        (
            "application/xhtml+xml",
            None,
            b"<meta charset=cp1251>\xc6",
            "<meta charset=cp1251>Ж",
            ("cp1251", "meta"),
        ),
        (
            "text/plain",
            None,
            b"<meta charset=koi8-r>\xd0\x96",
            "<meta charset=koi8-r>Ж",
            ("utf-8", "default"),
        ),
        # default: UTF-8, invalid bytes replaced once real UTF-8 has been seen...
        ("", None, b"caf\xc3\xa9 \xff!", "café \ufffd!", ("utf-8", "default")),
        # ...and windows-1252 when the body is not UTF-8 before that (WHATWG's default)
        ("", None, b"caf\xe9 \x93q\x94 \xc3\xa9", "café “q” Ã©", ("cp1252", "fallback")),
        (
            HTML,
            None,
            b"<p>" + b"x" * 2000 + b"\xe9",
            "<p>" + "x" * 2000 + "é",
            ("cp1252", "fallback"),
        ),
        # a lone lead byte at the end is no evidence of UTF-8...
        ("", None, b"ends mid-sequence \xc3", "ends mid-sequence Ã", ("cp1252", "fallback")),
        # ...a body cut inside a longer UTF-8 sequence stays UTF-8 (a truncated download)
        ("", None, "ok 🦊".encode()[:-2], "ok \ufffd", ("utf-8", "default")),
        ("", None, b"mid \xc3 x", "mid Ã x", ("cp1252", "fallback")),
        (HTML, None, b"<p>caf\xc3\xa9", "<p>café", ("utf-8", "default")),
        ("", None, b"", "", ("utf-8", "default")),
        # an override Python does not know is ignored
        ("text/plain; charset=koi8-r", "klingon", KOI8_WORD, "Привет", ("koi8-r", "header")),
    ],
)
def test_precedence(
    content_type: str,
    override: str | None,
    body: bytes,
    text: str,
    choice: tuple[str, str],
    feed: str,
) -> None:
    assert stream(FEEDS[feed](body), content_type, override) == (text, CharsetChoice(*choice))


def test_sniff_html_can_be_forced_either_way() -> None:
    body = b"<meta charset=koi8-r>" + KOI8_WORD
    forced = StreamTextDecoder("text/plain", sniff_html=True)
    assert forced.feed(body) + forced.finish() == "<meta charset=koi8-r>Привет"
    assert forced.choice == CharsetChoice("koi8-r", "meta")
    off = StreamTextDecoder(HTML, sniff_html=False)
    off.feed(body)
    assert off.choice == CharsetChoice("cp1252", "fallback")  # KOI8-R bytes are not UTF-8


def test_the_choice_is_known_at_once_from_an_override_or_the_header() -> None:
    assert StreamTextDecoder("text/html; charset=koi8-r").choice == CharsetChoice(
        "koi8-r", "header"
    )
    assert StreamTextDecoder("", override="latin-1").choice == CharsetChoice(
        "iso8859-1", "override"
    )


def test_an_unknown_declared_charset_is_remembered_as_ignored() -> None:
    decoder = StreamTextDecoder("text/plain; charset=x-no-such-charset")
    assert decoder.choice is None
    assert decoder.feed(b"caf\xc3\xa9") == "café"
    assert decoder.choice == CharsetChoice("utf-8", "default", ignored="x-no-such-charset")
    html = StreamTextDecoder("text/html; charset=klingon")
    html.feed(b'<meta charset="koi8-r">' + b" " * 1100)
    assert html.choice == CharsetChoice("koi8-r", "meta", ignored="klingon")
    bom = StreamTextDecoder("text/plain; charset=nope")
    bom.feed(b"\xef\xbb\xbfx")
    assert bom.choice == CharsetChoice("utf-8", "bom", ignored="nope")
    # Known, absent or overridden: nothing ignored.
    assert StreamTextDecoder("text/plain; charset=utf-8").choice == CharsetChoice("utf-8", "header")
    assert StreamTextDecoder("text/plain; charset=nope", override="koi8-r").choice == (
        CharsetChoice("koi8-r", "override")
    )


# --- the stream decoder: buffering before the choice ---------------------------------------


def test_plain_text_is_released_as_soon_as_it_cannot_be_a_bom() -> None:
    decoder = StreamTextDecoder("text/plain")
    assert decoder.feed(b"\xef") == ""
    assert decoder.choice is None  # may still become a UTF-8 BOM
    assert decoder.feed(b"\xbb") == ""
    assert decoder.feed(b"\xbf") == ""
    assert decoder.choice == CharsetChoice("utf-8", "bom")
    assert decoder.feed(b"x") == "x"
    other = StreamTextDecoder("text/plain")
    assert other.feed(b"a") == "a"
    assert other.choice == CharsetChoice("utf-8", "default")


def test_utf16_le_bom_waits_for_a_possible_utf32_bom() -> None:
    decoder = StreamTextDecoder()
    assert decoder.feed(b"\xff\xfe") == ""
    assert decoder.feed(b"\x00") == ""
    assert decoder.feed(b"\x01") == "\u0100"
    assert decoder.choice == CharsetChoice("utf-16-le", "bom")


def test_html_holds_back_at_most_1024_bytes() -> None:
    decoder = StreamTextDecoder(HTML)
    body = b"<p>" + b"x" * 2000
    released = [decoder.feed(body[i : i + 1]) for i in range(len(body))]
    assert "".join(released[:1023]) == ""
    assert decoder.choice == CharsetChoice("utf-8", "default")
    assert released[1023] == body[:1024].decode()
    assert all(len(piece) == 1 for piece in released[1024:])


def test_html_commits_as_soon_as_its_meta_closes() -> None:
    decoder = StreamTextDecoder(HTML)
    assert decoder.feed(b'<meta charset="koi8-r"') == ""
    assert decoder.choice is None
    assert decoder.feed(b">") == '<meta charset="koi8-r">'
    assert decoder.choice == CharsetChoice("koi8-r", "meta")
    assert decoder.feed(KOI8_WORD) == "Привет"


def test_a_short_html_body_is_decided_at_finish() -> None:
    decoder = StreamTextDecoder(HTML)
    assert decoder.feed(b"<p>caf\xc3\xa9</p>") == ""
    assert decoder.finish() == "<p>café</p>"
    assert decoder.choice == CharsetChoice("utf-8", "default")


# --- the stream decoder: characters split across feeds -------------------------------------


@pytest.mark.parametrize("char", ["é", "€", "𝄞", "😀"])
@pytest.mark.parametrize("content_type", ["", "text/plain; charset=utf-8", HTML])
def test_a_utf8_character_split_across_two_feeds(char: str, content_type: str) -> None:
    body = ("a" + char + "b").encode()
    for cut in range(len(body) + 1):
        assert stream([body[:cut], body[cut:]], content_type)[0] == "a" + char + "b"


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_split_mid_character(encoding: str, feed: str) -> None:
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding)
    bom = bom or (codecs.BOM_UTF32_LE if encoding.endswith("le") else codecs.BOM_UTF32_BE)
    text = "h€llo 😀"
    got, choice = stream(FEEDS[feed](bom + text.encode(encoding)))
    assert got == text
    assert choice == CharsetChoice(encoding, "bom")


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize(
    ("body", "text"),
    [
        (b"ok\xe2\x82", "ok\ufffd"),  # a 3-byte character cut short at the end
        (b"ok\xf0\x9f\x98", "ok\ufffd"),
        (b"ok\xff\xfe\x80 garbage", "ok\ufffd\ufffd\ufffd garbage"),
        (b"\xc3\x28", "\ufffd("),
    ],
)
def test_invalid_and_truncated_bytes_become_replacement_characters(
    body: bytes, text: str, feed: str
) -> None:
    # Declared UTF-8 (undeclared, such a body is windows-1252: see test_precedence).
    assert stream(FEEDS[feed](body), "text/plain; charset=utf-8")[0] == text


def test_a_truncated_utf16_body_ends_with_a_replacement_character() -> None:
    assert stream([b"\xff\xfeh\x00i"])[0] == "h\ufffd"


STREAM_CASES: list[tuple[str, bytes]] = [
    ("", "naïve café — 😀 ∑ 中文".encode()),
    (HTML, b"<!-- x --><meta charset=koi8-r>" + KOI8_WORD + b"<p>" * 400),
    (HTML, b"<p>" * 400 + "déjà vu".encode() * 50),
    (HTML, b"\xef\xbb\xbf<p>\xe2\x82\xac</p>"),
    ("text/plain; charset=shift_jis", "日本語のテキスト".encode("cp932") * 30),
    ("text/plain", b"\xfe\xff" + "h€llo 😀".encode("utf-16-be")),
    ("text/plain; charset=utf-16", "h€llo 😀".encode("utf-16")),
    ("text/plain; charset=gb18030", "中文字符".encode("gb18030") * 10 + b"\x81"),
]


@settings(max_examples=120, deadline=None)
@given(
    case=st.sampled_from(range(len(STREAM_CASES))),
    cuts=st.lists(st.integers(0, 3000), max_size=12),
    trailer=st.sampled_from([b"", b"\xff", b"\xe2\x82", b"\x00\x00\x00"]),
)
def test_any_split_gives_the_same_text(case: int, cuts: list[int], trailer: bytes) -> None:
    content_type, body = STREAM_CASES[case]
    body += trailer
    expected = stream([body], content_type)
    assert stream(split_at(body, cuts), content_type) == expected


@settings(max_examples=200, deadline=None)
@given(
    body=st.binary(max_size=1500),
    cuts=st.lists(st.integers(0, 1600), max_size=8),
    content_type=st.sampled_from(
        ["", HTML, "text/plain; charset=utf-16", "text/html; charset=shift_jis", "text/x; x="]
    ),
    override=st.sampled_from([None, "utf-32", "cp1252", "nonsense", "big5"]),
)
def test_garbage_never_raises(
    body: bytes, cuts: list[int], content_type: str, override: str | None
) -> None:
    text, choice = stream(split_at(body, cuts), content_type, override)
    assert choice is not None
    assert (text, choice) == stream([body], content_type, override)


@settings(max_examples=100, deadline=None)
@given(prefix=st.binary(max_size=1100))
def test_garbage_into_the_sniffers_never_raises(prefix: bytes) -> None:
    sniff_meta_charset(b"<meta " + prefix)
    sniff_meta_charset(prefix)
    sniff_bom(prefix)


@given(value=st.text(max_size=80))
def test_garbage_content_types_never_raise(value: str) -> None:
    result = charset_from_content_type(value)
    assert result is None or codecs.lookup(result).name == result


PYTHON_TEXT_CODECS = sorted(
    {lookup_charset(name, web=False) or "utf-8" for name in set(encodings.aliases.aliases.values())}
)


@settings(max_examples=300, deadline=None)
@given(
    encoding=st.sampled_from(PYTHON_TEXT_CODECS),
    body=st.binary(max_size=200),
    feed=st.sampled_from(sorted(FEEDS)),
)
def test_no_accepted_codec_raises_on_garbage(encoding: str, body: bytes, feed: str) -> None:
    text, choice = stream(FEEDS[feed](body), override=encoding)
    assert choice == CharsetChoice(encoding, "override")
    assert isinstance(text, str)


def test_a_stateful_codec_that_raises_is_restarted_with_a_replacement_character() -> None:
    # iso2022_jp raises "pending buffer overflow" even with errors="replace".
    body = b"\x1b&\x8af\x8b\x18t\xe4\xfe" + b"ok"  # found by fuzzing, fed byte by byte
    text, _ = stream(bytewise(body), override="iso2022_jp")
    assert "\ufffd" in text
    assert text.endswith("ok")


@pytest.mark.parametrize("lead", [b"\xc3", b"\xe2", b"\xf0", b"\xe2\x82"])
@pytest.mark.parametrize("step", [1, 1000])
def test_a_body_cut_short_after_a_lead_byte_stays_utf8(lead: bytes, step: int) -> None:
    # A Stop, a failed transfer or the view's cap cut an ASCII page just inside its first
    # non-ASCII character: still UTF-8 (the label must not say "not valid UTF-8").
    body = b"plain ascii " + lead
    decoder = StreamTextDecoder("text/plain")
    text = "".join(decoder.feed(body[i : i + step]) for i in range(0, len(body), step))
    text += decoder.finish(cut=True)
    assert text == "plain ascii \ufffd"
    assert decoder.choice == CharsetChoice("utf-8", "default")
    if len(lead) == 1:  # the same bytes as a whole body: a lone lead byte switches
        assert stream([body], "text/plain")[1] == CharsetChoice("cp1252", "fallback")


@pytest.mark.parametrize("content_type", ["", "text/plain", "text/html"])
def test_a_zero_width_no_break_space_inside_an_undeclared_body_is_kept_whatever_the_split(
    content_type: str,
) -> None:
    # U+FEFF after the start is content (a BOM is only ever at the start): it was dropped
    # when a chunk happened to begin with it, once the UTF-8 probe had ended.
    body = b"ascii \xc3\xa9" + b"\xef\xbb\xbf" + b"after " * 200
    expected = "ascii é\ufeff" + "after " * 200
    for step in (1, 2, 3, 8, len(body)):
        decoder = StreamTextDecoder(content_type)
        text = "".join(decoder.feed(body[i : i + step]) for i in range(0, len(body), step))
        assert text + decoder.finish() == expected, step
    assert stream([b"\xef\xbb\xbfbom"], content_type)[0] == "bom"  # a real BOM: stripped


# --- a whole body, decoded again with an override ------------------------------------------


def test_an_override_redecodes_a_whole_body() -> None:
    body = "Ж".encode("koi8-r") + b" \xe9"
    assert stream([body], "text/plain")[1] == CharsetChoice("cp1252", "fallback")
    assert stream([body], "text/plain", override="koi8-r") == (
        "Ж " + b"\xe9".decode("koi8-r"),
        CharsetChoice("koi8-r", "override"),
    )
    assert stream([b"\xe9"], "text/plain; charset=utf-8", override="latin-1") == (
        "é",
        CharsetChoice("iso8859-1", "override"),
    )


# --------------------------------------------------------------------------- decide_now


def test_decide_now_releases_held_html_text_with_the_default() -> None:
    decoder = StreamTextDecoder("text/html")
    assert decoder.feed(b"<p>caf\xc3") == ""  # held: a <meta> could still come
    assert decoder.choice is None
    assert decoder.decide_now() == "<p>caf"  # the split character waits for its last byte
    assert decoder.choice == CharsetChoice("utf-8", "default")
    assert decoder.feed(b"\xa9</p>") + decoder.finish() == "\u00e9</p>"


def test_decide_now_uses_a_meta_that_already_arrived() -> None:
    decoder = StreamTextDecoder("text/html")
    decoder.feed(b'<meta charset="windows-1252"><p>caf\xe9')
    assert decoder.choice == CharsetChoice("cp1252", "meta")  # decided at once, no wait
    assert decoder.decide_now() == ""


def test_decide_now_takes_a_partial_bom_as_it_stands() -> None:
    decoder = StreamTextDecoder("text/html")
    assert decoder.feed(b"\xff\xfe") == ""  # could still become a UTF-32 BOM
    assert decoder.decide_now() == ""
    assert decoder.choice == CharsetChoice("utf-16-le", "bom")
    assert decoder.decide_now() == ""
    assert decoder.feed(b"i\x00") == "i"
