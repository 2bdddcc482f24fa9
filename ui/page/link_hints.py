"""Link hints and numbered links: following a link from the keyboard, as text browsers do.

Hints (qutebrowser's and Lagrange's ``f``): with the focus in the document view, ``f``
labels every link on screen with a short label of home-row letters
(:mod:`ui.text.hint_labels`). Typing letters narrows the labels down; once what was typed is
a whole label, its link is followed. Shift (``F`` to start, or Shift on any letter, the last
one included) opens it in a new tab instead. Enter follows the first label still matching,
Backspace takes a letter back, Esc (or the focus leaving the page) cancels. Space, the arrows
and Page Up/Down still scroll; the labels follow the page.

Numbered links (lynx's ``[12]``, View > Numbered Links): every link on screen shows its number
in the page (the first link is 1, counted from the top of the page, so a number stays the
link's own while the reader scrolls). Typing digits and Enter follows that link (Shift+Enter:
in a new tab); Backspace and Esc edit and cancel the number.

Both are an overlay painted over the view's viewport, never text in the document: the page's
text, its link and find positions, what Copy and Save Page take, and the positions the
incremental renderer reports all stay as they are, so turning numbers on needs no re-render,
and works on a page that is still streaming. Numbers stay on while the reader reads, so they
get room of their own instead of covering the text: the character before each link is
widened (letter spacing, a format only: the text is unchanged) by its number's width, and a
link that starts a line (a paragraph's first, or one wrapped to the next line) has its
number in a left margin the view keeps while numbers show. The labels are computed again
(coalesced into one pass per turn of the event loop) whenever the view scrolls, is resized,
or its content changes, which is how links streaming in get their labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Qt, QTimer, Slot
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QWidget

from ui.text.hint_labels import HOME_ROW, assign_labels, matching

if TYPE_CHECKING:
    from ui.page.document_view import DocumentView

#: (start, end, href): a link of the view, as DocumentView.links() gives it.
LinkKey = tuple[int, int, str]

HINT_BACKGROUND = QColor(255, 214, 0)  # qutebrowser's yellow: black on it is ~14:1
HINT_TYPED = QColor(110, 90, 0)  # the letters already typed, dimmed (still ~4.6:1)
NUMBER_BACKGROUND = QColor(255, 244, 179)  # paler: numbers stay on while reading
LABEL_TEXT = QColor(0, 0, 0)
LABEL_BORDER = QColor(90, 70, 0)
PILL_BACKGROUND = QColor(40, 40, 40, 230)
PILL_TEXT = QColor(255, 255, 255)
LABEL_SCALE = 0.85  # label font: the view's, bold, this much smaller
NUMBER_SCALE = 0.7  # numbers: smaller still, a superscript before the link
NUMBER_GAP = 2.0  # pixels between a number and the link after it (and the text before)
MARGIN_NUMBER = 9999  # the left margin holds a number this wide (a link that starts a line)
ROOM_BATCH = 2000  # links given room (or back their room) per turn of the event loop
#: Links beyond this many on screen get no label (a NoWrap line of links, a tiny zoom): the
#: labels would cover the page anyway, and the pass stays bounded.
MAX_LABELS = 2000
MAX_SPRITES = 4 * MAX_LABELS  # labels kept drawn (past it, the cache starts again)

NAVIGATION_KEYS = {
    Qt.Key.Key_Space,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
    Qt.Key.Key_Tab,
    Qt.Key.Key_Backtab,
}
COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


@dataclass(frozen=True)
class Label:
    """One label to paint: where (viewport coordinates of the link's first character), its
    text, how much of it was typed, and whether it is a number (drawn before the link)."""

    at: QRect
    text: str
    typed: int = 0
    number: bool = False


class HintOverlay(QWidget):
    """Paints the labels over the view's viewport; takes no input (keys go to the view)."""

    def __init__(self, view: DocumentView) -> None:
        super().__init__(view)
        self.view = view
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Link hints")
        self.labels: list[Label] = []
        self.prompt = ""  # the mode line at the bottom right ("" : none)
        self._sprites: dict[tuple[str, int, bool, float], QPixmap] = {}
        self._sprite_font: tuple[str, float] = ("", 0.0)
        self.hide()

    def label_font(self, number: bool = False) -> QFont:
        font = QFont(self.view.font())
        font.setBold(True)
        scale = NUMBER_SCALE if number else LABEL_SCALE
        font.setPointSizeF(max(6.0, font.pointSizeF() * scale))
        return font

    def label_rect(self, label: Label, metrics: QFontMetricsF | None = None) -> QRectF:
        """Where ``label`` is painted (viewport coordinates): hints on the link's start, as
        qutebrowser does; numbers small, raised and just before it, where lynx prints them,
        in the room made for them (see the module docstring): the link's text and the text
        before it stay visible. (Left of the viewport: the view's left margin.)"""
        if metrics is None:
            metrics = QFontMetricsF(self.label_font(label.number))
        width = metrics.horizontalAdvance(label.text) + (2 if label.number else 4)
        height = min(float(label.at.height()), metrics.height() + 1)
        x = float(label.at.left())
        if label.number:
            x -= width + NUMBER_GAP / 2
        return QRectF(x, float(label.at.top()), width, height)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        # One font and metrics per kind for the whole paint, and each label drawn once into a
        # pixmap kept for the next paints (numbers stay on while the page scrolls and
        # streams: drawing their text each time cost more than the viewport's own repaint).
        fonts = {kind: self.label_font(kind) for kind in (False, True)}
        metrics = {kind: QFontMetricsF(font) for kind, font in fonts.items()}
        ratio = self.devicePixelRatioF()
        font_key = (fonts[False].toString(), ratio)
        if font_key != self._sprite_font or len(self._sprites) > MAX_SPRITES:
            self._sprites.clear()
            self._sprite_font = font_key
        box_right, box_bottom = self.width(), self.height()
        # The overlay starts at the view's left margin (in the page's own background); the
        # labels are in viewport terms.
        margin = self.view.viewport().x() - self.x()
        if margin > 0:
            painter.fillRect(0, 0, margin, self.height(), self.view.viewport().palette().base())
        painter.translate(margin, 0)
        for label in self.labels:
            rect = self.label_rect(label, metrics[label.number])
            key = (label.text, label.typed, label.number, rect.height())
            sprite = self._sprites.get(key)
            if sprite is None:
                sprite = self._draw_sprite(label, rect, fonts[label.number], ratio)
                self._sprites[key] = sprite
            painter.drawPixmap(rect.topLeft(), sprite)
        painter.resetTransform()
        if self.prompt:
            font = fonts[False]
            painter.setFont(font)
            width = metrics[False].horizontalAdvance(self.prompt) + 16
            height = metrics[False].height() + 8
            box = QRectF(box_right - width - 8, box_bottom - height - 8, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(PILL_BACKGROUND)
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(PILL_TEXT)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.prompt)
        painter.end()

    def _draw_sprite(self, label: Label, rect: QRectF, font: QFont, ratio: float) -> QPixmap:
        """One label, drawn at (0, 0) into a pixmap of ``rect``'s size."""
        sprite = QPixmap(
            max(1, math.ceil(rect.width() * ratio)), max(1, math.ceil(rect.height() * ratio))
        )
        sprite.setDevicePixelRatio(ratio)
        sprite.fill(Qt.GlobalColor.transparent)
        painter = QPainter(sprite)
        painter.setFont(font)
        box = QRectF(0, 0, rect.width(), rect.height())
        painter.setPen(QPen(LABEL_BORDER, 1))
        painter.setBrush(NUMBER_BACKGROUND if label.number else HINT_BACKGROUND)
        painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5))
        pad = 1 if label.number else 2
        inner = box.adjusted(pad, 0, -pad, 0)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        typed, rest = label.text[: label.typed], label.text[label.typed :]
        if typed:
            painter.setPen(HINT_TYPED)
            painter.drawText(inner, flags, typed)
            inner.setLeft(inner.left() + QFontMetricsF(font).horizontalAdvance(typed))
        painter.setPen(LABEL_TEXT)
        painter.drawText(inner, flags, rest)
        painter.end()
        return sprite


class LinkHints(QObject):
    """Hint mode and numbered links for one document view (see the module docstring).

    It watches the view's keys through an event filter, so the view only constructs it;
    a followed link goes out through the view's own signals (link_activated, or
    :meth:`DocumentView.open_in_new_tab`)."""

    def __init__(self, view: DocumentView) -> None:
        super().__init__(view)
        self.view = view
        self.overlay = HintOverlay(view)
        self.chars = HOME_ROW
        self._hinting = False
        self._new_tab = False  # Shift was held on F or on a letter
        self._typed = ""
        self._labels: dict[LinkKey, str] = {}
        self._capacity = 0  # the label pool's size this session: it never shrinks
        self._numbered = False
        self._number = ""  # digits typed in numbered mode
        self._message = ""  # a one-off word in the prompt ("No link 99")
        #: The page is still arriving (its Page says so): "no links yet" then says why.
        self.streaming = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._room_next = 0  # the next link _room_step gives room to (or takes it from)
        self._room_timer = QTimer(self)
        self._room_timer.setSingleShot(True)
        self._room_timer.setInterval(0)
        self._room_timer.timeout.connect(self._room_step)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)  # a click ends hint mode, as in qutebrowser
        view.updateRequest.connect(self._on_update_request)
        view.verticalScrollBar().valueChanged.connect(self._schedule)
        view.horizontalScrollBar().valueChanged.connect(self._schedule)
        view.document_replaced.connect(self._schedule)

    # -- state --------------------------------------------------------------------------

    @property
    def hinting(self) -> bool:
        """Hint mode is on: the links on screen show letter labels."""
        return self._hinting

    @property
    def new_tab(self) -> bool:
        """The hinted link opens in a new tab (``F``, or Shift on a letter typed so far)."""
        return self._new_tab

    @property
    def numbered(self) -> bool:
        return self._numbered

    @property
    def typed(self) -> str:
        return self._number if not self._hinting else self._typed

    def labels(self) -> dict[str, str]:
        """What is on screen: label text -> href (hints, or numbers when those show)."""
        return {label: key[2] for key, label in self._shown().items()}

    @Slot(bool)
    def set_numbered(self, on: bool) -> None:
        """Numbered links on or off (View > Numbered Links)."""
        was, self._numbered = self._numbered, on
        self._number = ""
        self._message = ""
        if on != was:
            self._make_room()
        self.refresh()

    # -- room for the numbers ----------------------------------------------------------------

    def number_width(self, number: int) -> float:
        """The width a number's label takes before its link, gaps included."""
        metrics = QFontMetricsF(self.overlay.label_font(True))
        return metrics.horizontalAdvance(str(number)) + 2 + NUMBER_GAP

    def _make_room(self) -> None:
        """Give every link's number room before it (numbers on), or take that room back
        (off): see the module docstring. ROOM_BATCH links at a time, each batch in one edit
        block (one layout), the next one on the next turn of the event loop: a page of a
        million links does not freeze the window."""
        margin = math.ceil(self.number_width(MARGIN_NUMBER)) if self._numbered else 0
        self.view.set_left_margin(margin)
        self._room_next = 0
        self._room_step()

    @Slot()
    def _room_step(self) -> None:
        links = self.view.links()
        start = self._room_next
        end = min(len(links), start + ROOM_BATCH)
        cursor = QTextCursor(self.view.document())
        cursor.beginEditBlock()
        for index in range(start, end):
            self.make_room_for(cursor, index, links[index])
        cursor.endEditBlock()
        self._room_next = end
        if end < len(links):
            self._room_timer.start()

    def make_room_for(self, cursor: QTextCursor, index: int, link: LinkKey) -> None:
        """Room for link ``index``'s number (the view calls it for each link it applies):
        the character before the link, on the same line, widened by the number's width
        (or back to its own width when numbers are off). A link that starts its block has
        its number in the view's left margin instead."""
        start = link[0]
        if start <= cursor.document().findBlock(start).position():
            return
        fmt = QTextCharFormat()
        if self._numbered:
            fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
            fmt.setFontLetterSpacing(self.number_width(index + 1))
        else:
            fmt.setFontLetterSpacingType(QFont.SpacingType.PercentageSpacing)
            fmt.setFontLetterSpacing(100.0)
        cursor.setPosition(start - 1)
        cursor.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)

    def start(self, new_tab: bool = False) -> None:
        """Enter hint mode (the ``f`` key; ``F``: the link opens in a new tab)."""
        self._hinting = True
        self._new_tab = new_tab
        self._typed = ""
        self._labels = {}
        self._capacity = 0
        self._number = ""
        self.refresh()

    def cancel(self, now: bool = True) -> None:
        """Leave hint mode and forget a number being typed; ``now`` False repaints on the
        next turn of the event loop (from a focus-out or hide event, which may come from
        the view's destructor: nothing of the view may be touched then)."""
        if not self._hinting and not self._number and not self._message:
            return
        self._hinting = False
        self._typed = ""
        self._labels = {}
        self._number = ""
        self._message = ""
        if now:
            self.refresh()
        else:
            self._refresh_timer.start()

    # -- what is on screen ----------------------------------------------------------------

    def visible_links(self) -> list[tuple[int, LinkKey, QRect]]:
        """The links shown in the viewport, from the top: (index in the page's links, the
        link, the rectangle of its first character shown)."""
        view = self.view
        viewport = view.viewport().rect()
        if viewport.isEmpty() or not view.isVisible():
            return []
        top = view.cursorForPosition(QPoint(0, 0)).position()
        bottom = view.cursorForPosition(viewport.bottomRight()).position()
        first, links = view.links_in(top, bottom)
        found: list[tuple[int, LinkKey, QRect]] = []
        cursor = QTextCursor(view.document())
        for i, link in enumerate(links):
            # A link wrapped from the line above the view: its label goes where it shows.
            cursor.setPosition(max(link[0], top))
            rect = view.cursorRect(cursor)
            if viewport.contains(rect.center()):
                found.append((first + i, link, rect))
                if len(found) >= MAX_LABELS:
                    break
        return found

    def _shown(self) -> dict[LinkKey, str]:
        if self._hinting:
            return matching(self._labels, self._typed)
        if self._numbered:
            return {link: str(index + 1) for index, link, _ in self.visible_links()}
        return {}

    @Slot()
    def _schedule(self) -> None:
        if (self._hinting or self._numbered) and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @Slot(QRect, int)
    def _on_update_request(self, _rect: QRect, _dy: int) -> None:
        self._schedule()

    @Slot()
    def refresh(self) -> None:
        """Label the links on screen now (kept labels stay: see assign_labels)."""
        self._refresh_timer.stop()
        overlay = self.overlay
        if not (self._hinting or self._numbered):
            overlay.labels = []
            overlay.prompt = ""
            overlay.hide()
            return
        visible = self.visible_links()
        labels: list[Label] = []
        if self._hinting:
            keys = [link for _, link, _ in visible]
            self._labels = assign_labels(keys, self._labels, self._capacity, self.chars)
            self._capacity = max(self._capacity, len(keys))
            if self._typed and not matching(self._labels, self._typed):
                self._typed = ""  # the links it matched left the screen
            for _, link, rect in visible:
                text = self._labels[link]
                if text.startswith(self._typed):
                    labels.append(Label(rect, text, len(self._typed)))
            overlay.prompt = self._hint_prompt(len(visible))
        else:
            labels = [Label(rect, str(i + 1), number=True) for i, _, rect in visible]
            overlay.prompt = self._message or (
                f"Link {self._number}: Enter follows, Esc cancels" if self._number else ""
            )
        overlay.labels = labels
        overlay.setAccessibleDescription(overlay.prompt)  # the mode line, for a screen reader
        # Over the viewport and the view's left margin (where a line's first link has its
        # number).
        viewport = self.view.viewport().geometry()
        overlay.setGeometry(viewport.adjusted(-self.view.left_margin, 0, 0, 0))
        overlay.raise_()
        overlay.show()
        overlay.update()

    def _hint_prompt(self, count: int) -> str:
        where = "new tab" if self._new_tab else "follow"
        if not count:
            if self.streaming:
                return (
                    "No links on screen to follow yet: the page is still loading, its links"
                    " get labels as they arrive · Esc cancels"
                )
            return "No links on screen to follow (scroll to some, or Esc to cancel)"
        return f"Hints ({where}): {self._typed or 'type a label'} · Esc cancels"

    # -- keys -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.__dict__:
            # The garbage collector took this object's attributes apart (a view dropped
            # without deleteLater, in a cycle): its view's Hide and FocusOut come on the
            # way to its deletion, from wherever the collection ran.
            return False
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            # Keys this mode takes go to the view, not to a window shortcut (Esc is Stop).
            if self._wants(event):
                event.accept()
                return True
            if self._hinting and event.modifiers() & COMMAND_MODIFIERS:
                self.cancel()  # a window shortcut (Ctrl+L, Alt+Left...) ends hint mode
            return False
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(event)
        if kind == QEvent.Type.MouseButtonPress:
            self.cancel(now=False)
            return False
        if kind == QEvent.Type.FocusOut and isinstance(event, QFocusEvent):
            if event.reason() != Qt.FocusReason.ActiveWindowFocusReason:
                self.cancel(now=False)
        elif kind == QEvent.Type.Hide:
            self.cancel(now=False)
        elif kind == QEvent.Type.FontChange and watched is self.view:
            if self._numbered:
                self._make_room()  # (zoom) the numbers' widths changed with the font
            self._schedule()
        elif kind in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.FontChange):
            self._schedule()
        return False

    def _letter(self, event: QKeyEvent) -> str:
        text = event.text()
        if len(text) == 1 and text.lower() in self.chars:
            return text
        return ""

    def _wants(self, event: QKeyEvent) -> bool:
        """The key is one this mode handles now (so no window shortcut should take it)."""
        if event.modifiers() & COMMAND_MODIFIERS:
            return False
        key = event.key()
        if self._hinting:
            return key not in NAVIGATION_KEYS
        if key == Qt.Key.Key_F:
            return True
        if self._numbered:
            if event.text().isdigit():
                return True
            if self._number or self._message:
                return key in (
                    Qt.Key.Key_Escape,
                    Qt.Key.Key_Backspace,
                    Qt.Key.Key_Return,
                    Qt.Key.Key_Enter,
                )
        return False

    def _key(self, event: QKeyEvent) -> bool:
        if not self._wants(event):
            return False
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        key = event.key()
        if not self._hinting:
            if key == Qt.Key.Key_F:
                self.start(new_tab=shift)
                return True
            return self._number_key(event, key, shift)
        if key == Qt.Key.Key_Escape:
            self.cancel()
        elif key == Qt.Key.Key_Backspace:
            self._typed = self._typed[:-1]
            self.refresh()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shown = [(k, v) for k, v in self._labels.items() if v.startswith(self._typed)]
            if shown:
                self._follow(min(shown)[0][2], self._new_tab or shift)
        elif letter := self._letter(event):
            self._type(letter.lower(), shift)  # Shift itself: Caps Lock is no new tab
        return True  # any other key is swallowed while the labels show

    def _type(self, letter: str, shift: bool) -> None:
        typed = self._typed + letter
        found = matching(self._labels, typed)
        if not found:
            return  # no label goes on so: the letter is ignored (a typo costs nothing)
        self._new_tab = self._new_tab or shift
        exact = [key for key, label in found.items() if label == typed]
        if exact:
            self._follow(exact[0][2], self._new_tab)
            return
        self._typed = typed
        self.refresh()

    def _number_key(self, event: QKeyEvent, key: int, shift: bool) -> bool:
        text = event.text()
        self._message = ""
        if text.isdigit():
            self._number = (self._number + text)[:9]
        elif key == Qt.Key.Key_Backspace:
            self._number = self._number[:-1]
        elif key == Qt.Key.Key_Escape:
            self._number = ""
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._number:
            number, self._number = int(self._number), ""
            links = self.view.links_in(0, self.view.document().characterCount())[1]
            if 1 <= number <= len(links):
                self._follow(links[number - 1][2], shift)
                return True
            self._message = f"No link {number} on this page ({len(links)} links)"
        self.refresh()
        return True

    def _follow(self, href: str, new_tab: bool) -> None:
        self._hinting = False
        self._typed = ""
        self._labels = {}
        self._number = ""
        self.refresh()
        if new_tab:
            self.view.open_in_new_tab(href)
        else:
            self.view.link_activated.emit(href)
