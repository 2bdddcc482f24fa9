"""Link-hint labels: short, prefix-free strings of home-row letters (pure: no Qt).

As in qutebrowser (hints.chars "asdfghjkl", after Vimium): every link on screen gets a
label; typing a label follows its link as soon as what was typed is one whole label, so no
label may be the beginning of another. The labels are as short as that allows: with
``len(chars)`` letters, up to that many links get one letter each, and each further link
costs one single-letter label turned into a prefix of longer ones.

:func:`assign_labels` keeps the labels already shown when the links on screen change
(scrolling, or a page still streaming in): a label the reader is typing must not move to
another link under their fingers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Sequence
from typing import TypeVar

#: The home row, strongest fingers first (qutebrowser's default hint characters).
HOME_ROW = "asdfghjkl"

Key = TypeVar("Key", bound=Hashable)


def hint_labels(count: int, chars: str = HOME_ROW) -> list[str]:
    """``count`` prefix-free labels over ``chars``, shortest first.

    A breadth-first tree: start from the single letters; while there are too few, the first
    (shortest) label becomes a prefix, replaced by itself plus each letter at the end of the
    list. Each expansion adds ``len(chars) - 1`` labels and lengthens as few as possible."""
    if count <= 0:
        return []
    if len(chars) < 2 or len(set(chars)) != len(chars):
        raise ValueError(f"hint characters must be at least two distinct letters: {chars!r}")
    labels: deque[str] = deque(chars)
    while len(labels) < count:
        prefix = labels.popleft()
        labels.extend(prefix + ch for ch in chars)
    return list(labels)[:count]


def assign_labels(
    keys: Sequence[Key], previous: dict[Key, str], capacity: int = 0, chars: str = HOME_ROW
) -> dict[Key, str]:
    """Labels for ``keys`` (in the order they are shown), keeping ``previous`` ones.

    The labels come from one pool, :func:`hint_labels` of ``max(len(keys), capacity)``
    (the caller passes the size of the pool it used before, so the pool never shrinks in
    one hint session and a kept label stays valid). A key keeps its previous label when
    that label is still in the pool; the other keys take the unused labels, shortest first.
    Any one-to-one choice from a prefix-free pool is prefix-free."""
    pool = hint_labels(max(len(keys), capacity), chars)
    in_pool = set(pool)
    taken: dict[Key, str] = {}
    used: set[str] = set()
    for key in keys:
        label = previous.get(key)
        if label is not None and label in in_pool and label not in used:
            taken[key] = label
            used.add(label)
    free = (label for label in pool if label not in used)
    result: dict[Key, str] = {}
    for key in keys:
        result[key] = taken[key] if key in taken else next(free)
    return result


def matching(labels: dict[Key, str], typed: str) -> dict[Key, str]:
    """The labels that begin with ``typed`` (all of them when nothing is typed)."""
    return {key: label for key, label in labels.items() if label.startswith(typed)}
