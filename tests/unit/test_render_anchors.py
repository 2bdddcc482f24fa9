"""ui/render anchors: where each fragment target (id=, <a name=>) lands in the output."""

from __future__ import annotations

import random

from ui.text.render import Fragment, HtmlRenderer, join_fragments, render_html

BASE = "http://example.org/doc.html"

PAGE = (
    "<title>Doc</title><h1 id=top>Manual</h1>"
    "<ul><li><a href='#intro'>Intro</a><li><a href='#usage'>Usage</a></ul>"
    "<p>Preface text.</p>"
    "<h2 id='intro'>Introduction</h2><p>Intro body.</p>"
    "<a name='old-style'></a><h2>Old style</h2><p>Named anchor.</p>"
    "<div id=usage><h2>Usage</h2><p>Use it.</p></div>"
    "<script>var x = '<p id=hidden>no</p>';</script>"
    "<table><tr><td><span id=cell>In a cell</span></td><td>two</td></tr></table>"
    "<p>After the table.</p><span id=end></span>"
)


def targets(fragment: Fragment) -> dict[str, str]:
    """Each anchor name -> the text from its offset to the end of that line."""
    text = fragment.text
    out = {}
    for anchor in fragment.anchors:
        assert 0 <= anchor.pos <= len(text)
        out[anchor.name] = text[anchor.pos :].split("\n", 1)[0]
    return out


def feed(html: str, cuts: list[int]) -> Fragment:
    renderer = HtmlRenderer(BASE)
    pieces, last = [], 0
    for cut in sorted(set(cuts)):
        pieces.append(renderer.feed(html[last:cut]))
        last = cut
    pieces.append(renderer.feed(html[last:]))
    pieces.append(renderer.close())
    return join_fragments(pieces)


def test_each_target_names_the_start_of_its_content() -> None:
    whole, _ = render_html(PAGE, BASE)
    found = targets(whole)
    assert found["top"] == "Manual"
    assert found["intro"] == "Introduction"
    assert found["old-style"] == "Old style"  # an empty <a name> names what follows
    assert found["usage"] == "Usage"
    assert found["cell"].startswith("In a cell")  # a laid-out table: its place
    assert found["end"] == ""  # after the last content: the end of the document
    assert "hidden" not in found  # inside <script>: not part of the page
    names = [a.name for a in whole.anchors]
    assert names == ["top", "intro", "old-style", "usage", "cell", "end"]


def test_the_same_targets_whatever_the_split() -> None:
    whole, _ = render_html(PAGE, BASE)
    assert feed(PAGE, list(range(len(PAGE)))) == whole  # one character at a time
    rng = random.Random(7)
    for _ in range(50):
        cuts = [rng.randrange(len(PAGE)) for _ in range(rng.randrange(1, 12))]
        assert feed(PAGE, cuts) == whole


def test_an_anchor_arrives_once_its_content_has_started() -> None:
    renderer = HtmlRenderer(BASE)
    first = renderer.feed("<p>Lead.</p><h2 id=later>")
    assert first.anchors == ()  # its heading has no text yet: where it lands is not known
    second = renderer.feed("Later heading</h2><p>more")
    assert [a.name for a in second.anchors] == ["later"]
    text = first.text + second.text
    assert text[second.anchors[0].pos :].startswith("Later heading")


def test_garbage_and_odd_targets_never_break_the_output() -> None:
    html = "<p id>no value</p><p id=''>empty</p><a name=x id=y>both</a><p id=" + "z" * 5000 + ">"
    fragment, _ = render_html(html, BASE)
    names = [a.name for a in fragment.anchors]
    assert names[:2] == ["x", "y"]
    assert len(names[2]) == 1024  # cut, not stored whole
    rng = random.Random(3)
    junk = "".join(rng.choice("<>=/'\" aidnme#x\n") for _ in range(5000))
    fragment, _ = render_html(junk, BASE)
    for anchor in fragment.anchors:
        assert 0 <= anchor.pos <= len(fragment.text)


def test_offsets_count_utf16_units_when_asked() -> None:
    html = "<p>\U0001f600 emoji</p><h2 id=after>After</h2>"
    fragment, _ = render_html(html, BASE, utf16=True)
    (anchor,) = fragment.anchors
    units = fragment.text.encode("utf-16-le")
    assert units[anchor.pos * 2 :].decode("utf-16-le").startswith("After")
