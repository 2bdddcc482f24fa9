"""Link-hint labels: prefix-free, as short as possible, home-row letters, stable when kept."""

from __future__ import annotations

import itertools
import math

import pytest

from ui.text.hint_labels import HOME_ROW, assign_labels, hint_labels, matching


def prefix_free(labels: list[str]) -> bool:
    return not any(a != b and b.startswith(a) for a, b in itertools.permutations(labels, 2))


@pytest.mark.parametrize("count", [0, 1, 2, 8, 9, 10, 11, 17, 18, 80, 81, 82, 500, 5000])
def test_labels_are_unique_prefix_free_and_home_row(count: int) -> None:
    labels = hint_labels(count)
    assert len(labels) == count
    assert len(set(labels)) == count
    assert prefix_free(labels)
    assert all(set(label) <= set(HOME_ROW) for label in labels)


@pytest.mark.parametrize("count", [1, 5, 9, 10, 40, 81, 82, 729, 730, 3000])
def test_labels_are_as_short_as_a_prefix_free_set_allows(count: int) -> None:
    labels = hint_labels(count)
    longest = max(map(len, labels))
    # The longest label is never longer than the digits count needs in base 9 ...
    assert longest == max(1, math.ceil(math.log(count, len(HOME_ROW)) - 1e-9))
    # ... and the labels are sorted shortest first, the short ones kept wherever the
    # longer ones leave room (Kraft: a shorter label costs len(chars) longer ones).
    assert [len(label) for label in labels] == sorted(len(label) for label in labels)
    shorter = sum(1 for label in labels if len(label) < longest)
    room = len(HOME_ROW) ** longest - count  # unused leaves at the longest length
    assert shorter == min(count, room // (len(HOME_ROW) - 1)) or longest == 1


def test_up_to_nine_links_get_one_letter_each_in_home_row_order() -> None:
    assert hint_labels(3) == ["a", "s", "d"]
    assert hint_labels(9) == list(HOME_ROW)
    ten = hint_labels(10)
    assert sum(len(label) == 1 for label in ten) == 8  # one letter became a prefix
    assert sum(len(label) == 2 for label in ten) == 2


def test_other_characters_and_bad_ones() -> None:
    assert hint_labels(4, "ab") == ["aa", "ab", "ba", "bb"]
    assert hint_labels(3, "ab") == ["b", "aa", "ab"]
    with pytest.raises(ValueError, match="two distinct"):
        hint_labels(3, "a")
    with pytest.raises(ValueError, match="two distinct"):
        hint_labels(3, "aab")


def test_assign_keeps_the_labels_of_links_still_shown() -> None:
    first = assign_labels(["x", "y", "z"], {})
    assert first == {"x": "a", "y": "s", "z": "d"}
    # x scrolled away, w came in above: y and z keep theirs, w takes a free one.
    second = assign_labels(["w", "y", "z"], first, capacity=3)
    assert second["y"] == "s" and second["z"] == "d"
    assert second["w"] == "a"
    assert prefix_free(list(second.values()))


def test_assign_with_a_growing_screen_keeps_labels_while_the_pool_allows() -> None:
    keys = [f"k{i}" for i in range(5)]
    labels = assign_labels(keys, {})
    more = assign_labels([*keys, "k5", "k6"], labels, capacity=5)
    assert all(more[k] == labels[k] for k in keys)  # 7 still fit in single letters
    many = assign_labels([f"k{i}" for i in range(30)], more, capacity=7)
    assert len(set(many.values())) == 30
    assert prefix_free(list(many.values()))


def test_the_pool_never_shrinks_within_a_session() -> None:
    big = assign_labels([f"k{i}" for i in range(20)], {})
    # Scrolled to a place with two links, both shown before: they keep their labels
    # (a pool of 2 would hold only "a" and "s").
    kept = assign_labels(["k15", "k19"], big, capacity=20)
    assert kept == {"k15": big["k15"], "k19": big["k19"]}


def test_matching_filters_by_what_was_typed() -> None:
    labels = {"x": "aa", "y": "as", "z": "d"}
    assert matching(labels, "") == labels
    assert matching(labels, "a") == {"x": "aa", "y": "as"}
    assert matching(labels, "as") == {"y": "as"}
    assert matching(labels, "q") == {}
