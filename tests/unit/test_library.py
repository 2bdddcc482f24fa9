"""Bookmarks and history as data (ui/library): the files' round trips, the Netscape bookmark
file as other browsers write it and as a hostile file might be, the bounds, and the
bookmarks/history pages' addresses and HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ui.library import pages
from ui.library.bookmarks import (
    MAX_BOOKMARKS,
    MAX_FOLDER_DEPTH,
    MAX_TITLE,
    Bookmark,
    BookmarkError,
    Bookmarks,
)
from ui.library.netscape import parse_netscape, to_netscape
from ui.library.visits import MAX_URL, Visit, Visits, completions
from ui.text.render import HtmlRenderer

# What Firefox 120 writes (Bookmarks > Manage > Export Bookmarks to HTML), trimmed.
FIREFOX = b"""<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src 'none'; img-src data: *; object-src 'none'"></meta>
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks Menu</H1>

<DL><p>
    <DT><A HREF="https://www.mozilla.org/en-US/firefox/" ADD_DATE="1700000001" ICON="data:image/png;base64,iVBORw0KGgo=">Get Help</A>
    <DT><H3 ADD_DATE="1700000002" LAST_MODIFIED="1700000003" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks Toolbar</H3>
    <DL><p>
        <DT><A HREF="place:sort=8&amp;maxResults=10" ADD_DATE="1700000004">Most Visited</A>
        <DT><H3 ADD_DATE="1700000005">Python</H3>
        <DL><p>
            <DT><A HREF="https://docs.python.org/3/" ADD_DATE="1700000006" TAGS="docs">3.12 Documentation</A>
            <DD>The official docs
        </DL><p>
    </DL><p>
    <DT><A HREF="http://example.com/?a=1&amp;b=2" ADD_DATE="1700000007">Caf&eacute; &amp; &lt;tea&gt;</A>
    <DT><A HREF="javascript:alert(1)">A bookmarklet</A>
</DL>
"""  # noqa: E501 (as Firefox writes it)

# What Chrome writes: lower-case <p>, no end tags for <DT>, the bar folder first.
CHROME = b"""<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="0" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://news.ycombinator.com/" ADD_DATE="1700000010" ICON="data:...">Hacker News</A>
    </DL><p>
</DL><p>
"""  # noqa: E501 (as Chrome writes it)


def urls(items: list[Bookmark]) -> list[str]:
    return [b.url for b in items]


# -- the Netscape bookmark file -----------------------------------------------------------------


def test_firefox_export_is_read_with_folders_titles_and_dates() -> None:
    result = parse_netscape(FIREFOX)
    assert [(b.title, b.url, b.folder, b.added) for b in result.bookmarks] == [
        ("Get Help", "https://www.mozilla.org/en-US/firefox/", "", 1700000001),
        (
            "3.12 Documentation",
            "https://docs.python.org/3/",
            "Bookmarks Toolbar/Python",
            1700000006,
        ),
        ("Café & <tea>", "http://example.com/?a=1&b=2", "", 1700000007),
    ]
    assert result.skipped == 2  # place: and javascript:
    assert "3 bookmarks, 2 skipped" in result.summary()


def test_chrome_export_is_read() -> None:
    result = parse_netscape(CHROME)
    assert [(b.title, b.folder) for b in result.bookmarks] == [("Hacker News", "Bookmarks bar")]
    assert result.skipped == 0


def test_loose_markup_any_case_unquoted_and_single_quoted_attributes() -> None:
    data = (
        b"<!doctype netscape-bookmark-file-1><dl><dt><h3>F</h3><dl>"
        b"<dt><a href=http://a.example/x add_date=5>A</a>"
        b"<dt><a HREF='http://b.example/'>B"  # no </a>: the next <dt> ends it
        b'<dt><a href="http://c.example/">C <b>bold</b>  text</a>'
        b"</dl><dt><a href=http://d.example/>D</a></dl>"
    )
    result = parse_netscape(data)
    assert [(b.title, b.url, b.folder) for b in result.bookmarks] == [
        ("A", "http://a.example/x", "F"),
        ("B", "http://b.example/", "F"),
        ("C bold text", "http://c.example/", "F"),
        ("D", "http://d.example/", ""),
    ]
    assert result.bookmarks[0].added == 5


def test_round_trip_through_the_netscape_file_keeps_everything() -> None:
    marks = Bookmarks()
    marks.add("Romeo & Juliet <1>", "http://data.pr4e.org/romeo.txt", "Plays/Shakespeare", 17)
    marks.add("Top", 'https://example.com/?q=a&b="c"', "", 18)
    marks.add("Café", "https://café.example/", "Plays", 0)
    back = parse_netscape(to_netscape(marks))
    assert back.skipped == 0
    # Grouped by folder (first-use order), each folder's entries in their order.
    assert [(b.title, b.url, b.folder, b.added) for b in back.bookmarks] == [
        ("Romeo & Juliet <1>", "http://data.pr4e.org/romeo.txt", "Plays/Shakespeare", 17),
        ("Café", "https://café.example/", "Plays", 0),
        ("Top", 'https://example.com/?q=a&b="c"', "", 18),
    ]


@given(
    st.lists(
        st.tuples(
            st.text(min_size=0, max_size=30),
            st.text(alphabet="abc/?&=#%\"'<> é", max_size=20),
            st.lists(st.text(min_size=1, max_size=8), max_size=3),
        ),
        max_size=8,
    )
)
@example([("", "  <", [])])  # no title: the address stands in, as a file reads it back
@settings(max_examples=60, deadline=None)
def test_round_trip_any_titles_and_folders(entries: list[tuple[str, str, list[str]]]) -> None:
    marks = Bookmarks()
    for title, tail, folder in entries:
        marks.add(title, f"https://example.com/{tail}", "/".join(folder))
    back = Bookmarks(parse_netscape(to_netscape(marks)).bookmarks)
    assert sorted((b.title, b.url, b.folder) for b in back) == sorted(
        (b.title, b.url, b.folder) for b in marks
    )


def test_the_file_cut_at_every_point_gives_a_prefix_or_says_it_is_not_one() -> None:
    for cut in range(len(CHROME) + 1):
        try:
            result = parse_netscape(CHROME[:cut])
        except BookmarkError:
            assert cut < len(b"<!DOCTYPE NETSCAPE-Bookmark-file-1>")
            continue
        assert [b.url for b in result.bookmarks] in ([], ["https://news.ycombinator.com/"])
    assert len(parse_netscape(CHROME).bookmarks) == 1


def test_not_a_bookmark_file_says_so() -> None:
    with pytest.raises(BookmarkError, match="not a Netscape bookmark file"):
        parse_netscape(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    with pytest.raises(BookmarkError, match="not a Netscape bookmark file"):
        parse_netscape(b"")


def test_garbage_after_the_doctype_gives_what_it_can() -> None:
    data = b"<!DOCTYPE NETSCAPE-Bookmark-file-1>" + bytes(range(256)) * 100
    result = parse_netscape(data)
    assert result.bookmarks == []


def test_hostile_file_deep_nesting_is_bounded() -> None:
    depth = 100_000
    data = (
        b"<!DOCTYPE NETSCAPE-Bookmark-file-1>"
        + b"<DT><H3>f</H3><DL>" * depth
        + b"<DT><A HREF='http://deep.example/'>deep</A>"
        + b"</DL>" * depth
        + b"<DT><A HREF='http://top.example/'>top</A>"
    )
    result = parse_netscape(data)
    deep, top = result.bookmarks
    assert len(deep.folder_parts) == MAX_FOLDER_DEPTH
    assert top.folder == ""  # every list closed again: the stack did not drift


def test_hostile_file_many_bookmarks_and_long_titles_are_bounded() -> None:
    many = b"<!DOCTYPE NETSCAPE-Bookmark-file-1><DL>" + (
        b"<DT><A HREF='http://x.example/'>x</A>" * (MAX_BOOKMARKS + 5)
    )
    result = parse_netscape(many)
    assert len(result.bookmarks) == MAX_BOOKMARKS
    assert result.truncated and result.skipped == 5
    long = b"<DT><A HREF='http://x.example/'>" + b"t<b>" * 200_000 + b"</A>"
    (item,) = parse_netscape(b"<!DOCTYPE NETSCAPE-Bookmark-file-1>" + long).bookmarks
    assert len(item.title) <= MAX_TITLE


def test_hostile_file_unterminated_tags_and_comments_end_cleanly() -> None:
    for tail in (
        b"<A HREF='http://x.example/",
        b"<!-- never closed",
        b"<" * 10_000,
        b"<A" * 10_000,
    ):
        result = parse_netscape(b"<!DOCTYPE NETSCAPE-Bookmark-file-1><DL>" + tail)
        assert len(result.bookmarks) <= 1


def test_an_old_file_in_another_declared_charset() -> None:
    data = (
        b'<!DOCTYPE NETSCAPE-Bookmark-file-1><META CONTENT="text/html; charset=windows-1252">'
        b"<DT><A HREF='http://x.example/'>caf\xe9</A>"
    )
    assert parse_netscape(data).bookmarks[0].title == "café"


# -- the bookmarks file and model ---------------------------------------------------------------


def test_bookmarks_json_round_trip_keeps_ids_and_order() -> None:
    marks = Bookmarks()
    a = marks.add("A", "http://a.example/", "X/Y", 10)
    b = marks.add("B", "http://b.example/")
    marks.delete(a.id)
    c = marks.add("C", "http://c.example/", "X")
    assert c.id == 3  # ids are never reused within a file
    back = Bookmarks.from_json(marks.to_json())
    assert list(back) == list(marks) == [b, c]
    doc = json.loads(marks.to_json())
    assert doc["format"] == "yonder-bookmarks" and doc["version"] == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{", "not JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[]", "not a Yonder bookmarks file"),
        (b'{"format": "yonder-bookmarks", "version": 99, "bookmarks": []}', "newer"),
        (b'{"format": "yonder-bookmarks", "version": 1}', 'no "bookmarks" list'),
    ],
)
def test_a_broken_bookmarks_file_says_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(BookmarkError, match=message):
        Bookmarks.from_json(data)


def test_malformed_entries_are_dropped_and_duplicate_ids_renumbered() -> None:
    data = json.dumps(
        {
            "format": "yonder-bookmarks",
            "version": 1,
            "bookmarks": [
                {"id": 5, "title": "A", "url": "http://a.example/"},
                {"id": 5, "title": "B", "url": "http://b.example/", "added": "x"},
                {"title": "no url"},
                "junk",
                {"id": True, "url": "http://c.example/", "folder": 3},
            ],
        }
    ).encode()
    marks = Bookmarks.from_json(data)
    assert [(b.id, b.url, b.folder) for b in marks] == [
        (5, "http://a.example/", ""),
        (6, "http://b.example/", ""),
        (7, "http://c.example/", ""),
    ]


def test_edit_search_folders_and_merge() -> None:
    marks = Bookmarks()
    a = marks.add("Python docs", "https://docs.python.org/", "Dev / Python ")
    assert a.folder == "Dev/Python"
    marks.add("News", "https://news.example/")
    marks.update(a.id, "Python 3 docs\n", "https://docs.python.org/3/", "Dev")
    assert marks.get(a.id) == Bookmark(a.id, "Python 3 docs", "https://docs.python.org/3/", "Dev")
    assert [b.title for b in marks.search("PYTHON 3")] == ["Python 3 docs"]
    assert [b.title for b in marks.search("dev docs")] == ["Python 3 docs"]
    assert len(marks.search("")) == 2
    assert marks.folders() == ["Dev"]
    added, skipped = marks.merge(
        [Bookmark(0, "again", "https://news.example/"), Bookmark(0, "n", "https://new.example/")]
    )
    assert (added, skipped) == (1, 1)
    with pytest.raises(BookmarkError, match="no bookmark #99"):
        marks.update(99, "x", "http://x/", "")
    with pytest.raises(BookmarkError, match="needs an address"):
        marks.add("x", "  ")


# -- the visits history -------------------------------------------------------------------------


def test_visits_newest_first_one_entry_per_address_with_counts() -> None:
    log = Visits()
    log.record("http://a.example/", "A", 100)
    log.record("http://b.example/", "", 200)
    log.set_title("http://b.example/", "B")
    log.record("http://a.example/", "", 300)
    assert log.entries == [
        Visit("http://a.example/", "A", 300, 2),
        Visit("http://b.example/", "B", 200, 1),
    ]
    assert [v.url for v in log.search("b.example")] == ["http://b.example/"]
    back = Visits.from_list(json.loads(json.dumps(log.to_list())))
    assert back.entries == log.entries
    log.clear()
    assert len(log) == 0 and log.to_list() == []


def test_visits_are_bounded_in_entries_and_bytes() -> None:
    log = Visits(max_entries=10, max_bytes=10**9)
    for i in range(25):
        log.record(f"http://e.example/{i}", "t", i)
    assert len(log) == 10 and log.entries[0].url.endswith("/24")
    log = Visits(max_entries=10**6, max_bytes=5_000)
    for i in range(500):
        log.record(f"http://e.example/{i}", "title " * 50, i)
    assert 0 < len(json.dumps(log.to_list())) <= 5_000
    assert log.entries[0].url.endswith("/499")
    assert log.record("http://e.example/" + "x" * MAX_URL, "long", 1) is None


def test_visits_from_a_damaged_file_keep_what_is_valid() -> None:
    log = Visits.from_list(
        [{"url": "http://a/", "time": "x", "count": -1}, 7, {"url": 3}, {"url": "http://a/"}]
    )
    assert log.entries == [Visit("http://a/", "", 0, 1)]
    assert len(Visits.from_list("not a list")) == 0


def test_completions_typed_then_bookmarks_then_visits_once_each() -> None:
    marks = Bookmarks([Bookmark(0, "b", "http://b/"), Bookmark(0, "t", "http://t/")])
    log = Visits([Visit("http://v/", "", 2), Visit("http://b/", "", 1)])
    assert completions(["http://t/", "x.example"], log.entries, marks) == [
        "http://t/",
        "x.example",
        "http://b/",
        "http://v/",
    ]


# -- the pages ---------------------------------------------------------------------------------


def test_addresses_reading_and_actions() -> None:
    assert pages.parse_address("http://example.com/") is None
    assert pages.parse_address("yonder:bookmarksx") is None
    read = pages.parse_address("yonder:bookmarks?q=py%20docs")
    assert read == pages.Address(pages.BOOKMARKS_URL, "py docs")
    assert not read.authorised()
    assert read.url == "yonder:bookmarks?q=py%20docs"
    act = pages.parse_address(pages.action_url(pages.BOOKMARKS_URL, "delete", 7, "py"))
    assert act is not None and act.action == "delete" and act.target == 7 and act.authorised()
    assert act.url == "yonder:bookmarks?q=py"  # the page shown after it: never the action
    forged = pages.parse_address("yonder:bookmarks?delete=7&key=guess")
    assert forged is not None and forged.action == "delete" and not forged.authorised()
    bare = pages.parse_address("yonder:history?clear")
    assert bare is not None and bare.action == "clear" and not bare.authorised()


def rendered(page_html: str, base: str) -> tuple[str, list[str]]:
    renderer = HtmlRenderer(base, resolve=lambda _b, href: href)
    fragments = [renderer.feed(page_html), renderer.close()]
    return "".join(f.text for f in fragments), [
        link.url or "" for f in fragments for link in f.links
    ]


def test_bookmarks_page_escapes_what_came_from_the_web() -> None:
    marks = Bookmarks()
    marks.add('<a href="yonder:history?clear=&key=x">evil</a>', "http://x.example/?a=<b>", "F")
    text, links = rendered(pages.bookmarks_html(marks), pages.BOOKMARKS_URL)
    assert '<a href="yonder:history?clear=&key=x">evil</a>' in text
    assert "http://x.example/?a=<b>" in links
    assert not any(link.startswith("yonder:history") for link in links)
    assert any("delete=1" in link and pages.SESSION_KEY in link for link in links)


def test_history_page_lists_newest_first_and_filters() -> None:
    log = Visits()
    log.record("http://old.example/", "Old page", 1_700_000_000)
    log.record("http://new.example/", "New page", 1_700_000_100)
    text, links = rendered(pages.history_html(log), pages.HISTORY_URL)
    assert text.index("New page") < text.index("Old page")
    assert any("clear=" in link for link in links)
    text, _ = rendered(pages.history_html(log, "old"), pages.HISTORY_URL)
    assert "Old page" in text and "New page" not in text
    assert "1 of 2 pages visited match “old”" in text


def test_a_bookmarks_file_nested_too_deeply_is_a_bookmark_error() -> None:
    """json raises RecursionError, not ValueError, for deep nesting: it was let through."""
    with pytest.raises(BookmarkError, match="nested too deeply"):
        Bookmarks.from_json(b"[" * 200_000 + b"]" * 200_000)


def test_import_file_merges_into_a_snapshot_and_makes_the_file_bytes(tmp_path: Path) -> None:
    """What the window's import thread does: the live bookmarks untouched until adopted."""
    from ui.library.netscape import import_file

    live = Bookmarks()
    live.add("Kept", "https://kept.example/")
    path = tmp_path / "b.html"
    path.write_bytes(
        b'<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><DT><A HREF="https://kept.example/">K</A>'
        b'<DT><A HREF="https://new.example/">New</A></DL>'
    )
    snapshot = live.copy()
    merged = import_file(str(path), snapshot)
    assert (merged.added, merged.duplicates) == (1, 1)
    assert [b.title for b in live] == ["Kept"]  # the snapshot is independent
    assert [b.title for b in snapshot] == ["Kept", "New"]
    assert merged.data == snapshot.to_json()
    live.adopt(snapshot)
    assert [(b.id, b.title) for b in live] == [(1, "Kept"), (2, "New")]
    assert live.add("Next", "https://next.example/").id == 3  # ids go on after the import
