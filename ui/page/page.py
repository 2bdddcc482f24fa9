"""One page: what a tab shows, and everything that belongs to it.

A Page owns its Fetcher (worker thread), BodyStore, renderer and back/forward history; its
header, document and stream views; and one :class:`~ui.page.load_state.LoadMachine`. Pages
load independently, each on its own thread. The window (ui/shell/main_window.py) shows the
current page's views and routes its actions here; the page tells the window what changed
through its signals, each emitted by this page, so the window never asks whether an event is
still the current request's (the Fetcher's request ids keep a page's own stale events out).

Signals:
    title_changed(str): the tab's and window's title.
    url_changed(str): the address to show in the address bar.
    state_changed(object LoadState): the load state moved (tab's loading indicator).
    actions_changed(): what Back, Forward, Save, Stop... may do changed.
    load_ended(bool ok): a load ended: True when the page loaded (any HTTP status).
    saved(str path): Save Page or Save Headers wrote ``path``.
    link_hovered(str url): a link is under the mouse or focused ("" when none).
    new_tab_requested(str url): a link to open in a new background tab.
    download_requested(str url): Download Link… in the document view.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QGuiApplication, QShowEvent
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from net.errors import InvalidURL
from net.options import DEFAULT_RECV_SIZE, FetchOptions
from net.url import mask_credentials, parse_url
from ui.fonts import monospace_font
from ui.page import start_page as internal
from ui.page.document_view import DocumentView
from ui.page.error_page import RETRY_URL, ErrorBanner, error_segments, retry_helps, summary
from ui.page.fetch_worker import Fetcher
from ui.page.find_bar import FindBar
from ui.page.header_view import HeaderView
from ui.page.load_state import LoadMachine, LoadState
from ui.page.load_status import LoadStatus
from ui.page.notice_bar import NoticeBar
from ui.page.page_renderer import SAVE_URL, PageRenderer, ViewMode, charset_label
from ui.page.reading_place import FrozenFrame, ReadingPlace
from ui.page.saving import PageSaver
from ui.page.split import BASE_POINT_SIZE, HEADER_MIN_WIDTH, YieldingSplitter
from ui.page.titles import page_title
from ui.stream.phase_bar import PhaseBar
from ui.stream.stream_panel import StreamPane
from ui.text import fragments
from ui.text.body_store import BodyStore, SpillLimits
from ui.text.display_text import display_line, display_title
from ui.text.history import History
from ui.text.units import format_duration, format_size

if TYPE_CHECKING:
    from net.charset import CharsetChoice
    from net.events import Finished, Redirected, ResponseHead, Timings
    from ui.page.fetch_worker import FetchFunction
    from ui.stream.receive_lab import ReceiveLab

RELAYOUT_MS = 250  # a resize or zoom must settle this long before tables are laid out again


class PageHost(Protocol):
    """What a page needs from the window that shows it (window-wide things)."""

    lab: ReceiveLab

    @property
    def options(self) -> FetchOptions | None: ...

    def ask_path(self, caption: str, suggested: str) -> str | None: ...

    def add_typed(self, url: str) -> None: ...

    def library_page(self, url: str) -> tuple[str, str] | None: ...

    def follow_library_link(self, href: str) -> bool: ...

    def start_page_extra(self) -> list[tuple[str, str, str]]: ...

    def on_visited(self, url: str) -> None: ...

    def on_title(self, url: str, title: str) -> None: ...


def _announced_size(head: ResponseHead) -> int | None:
    """The body's size as the head announces it (Content-Length), when that is the size of
    what the page shows (no content coding); None when unknown."""
    if (head.header("Content-Encoding") or "identity").strip().lower() != "identity":
        return None
    return head.content_length


class Page(QWidget):
    """A tab's page: the header view beside the document view (with its banners and find
    bar); the stream views, phase bar and status line the window shows for it."""

    title_changed = Signal(str)
    url_changed = Signal(str)
    state_changed = Signal(object)
    actions_changed = Signal()
    load_ended = Signal(bool)
    saved = Signal(str)
    link_hovered = Signal(str)
    new_tab_requested = Signal(str)
    download_requested = Signal(str)

    def __init__(
        self,
        host: PageHost,
        fetch: FetchFunction | None,
        view_cap: int,
        spill: SpillLimits,
        zoom: int = 0,
        word_wrap: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.store = BodyStore(view_cap=view_cap, limits=spill)
        self.history = History()
        self.load_machine = LoadMachine()
        self.fetcher = Fetcher(fetch, parent=self)
        self.title = "New tab"
        self._pending: str | None = None  # a restored address not loaded yet
        self._zoom = zoom
        self._mode = ViewMode.RENDERED
        self._override: str | None = None
        self._request_id = 0  # the fetch the page belongs to; 0: none (internal page)
        self._url = ""  # the address the page came from (final, after redirects)
        self._shown_url = ""  # the address of the page on screen (a reload keeps its view)
        self._fragment: str | None = None  # the #fragment of the page's address (never sent)
        self._tops: dict[int, int] = {}  # history index -> first position shown (same page)
        self._hops: list[Timings] = []  # the current load's finished hops (redirects)
        self._body_bytes = 0
        self._expected_bytes: int | None = None  # the body's announced size (identity only)
        self._head_seen = False
        self._has_body = False  # the page shows a response body (or a bundled sample)
        self._error_page = False  # the page is an error page of its own (nothing received)
        self._bundled_page = False  # the start page, About or Keys: in the reading font
        self._own_page = False  # a page of Yonder's own (no charset was ever declared)
        self._lost_shown = False  # the notice that the body is no longer kept is up
        self._curl_refused = False  # the page is a refused address: no Copy as curl
        self._done_text = ""  # "Done: ..." waits here while the page is still rendering
        self._restore: ReadingPlace | None = None  # after a re-layout: the place to show again
        self.saver = PageSaver(self)
        self._relayout_timer = QTimer(self)
        self._relayout_timer.setSingleShot(True)
        self._relayout_timer.setInterval(RELAYOUT_MS)
        self._relayout_timer.timeout.connect(self._relayout_tables)
        self._build_views(word_wrap)
        self._connect_signals()

    # -- construction ----------------------------------------------------------------------

    def _build_views(self, word_wrap: bool) -> None:
        self.header_view = HeaderView()
        self.document_view = DocumentView()
        self.error_banner = ErrorBanner()
        self.notice_bar = NoticeBar()
        self.find_bar = FindBar()
        self.find_bar.hide()
        self.find_bar.attach(self.document_view)
        self.find_bar.more_coming = lambda: self.text_coming
        self.renderer = PageRenderer(self.document_view, self)
        self.renderer.table_width = self.document_view.columns
        self._frozen = FrozenFrame(self.document_view)  # (its scroll bar too)
        self._frozen.expired.connect(self._on_frozen_too_long)
        self.document_view.whole_page_gate = self._frozen.defer
        # What the window's status bar and Stream dock show while this page is current.
        self.load_status = LoadStatus()
        self.charset_label = QLabel()
        self.charset_label.setTextFormat(Qt.TextFormat.PlainText)  # names a server's charset
        self.charset_label.setToolTip("The character encoding the text was decoded with")
        self.phase_bar = PhaseBar()
        self.phase_bar.setToolTip("Phase timings of the last load: hover for exact milliseconds")
        self.stream = StreamPane(self.host.lab)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addWidget(self.error_banner)
        right_layout.addWidget(self.notice_bar)
        right_layout.addWidget(self.document_view, 1)
        right_layout.addWidget(self.find_bar)
        self.splitter = YieldingSplitter(HEADER_MIN_WIDTH)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.header_view)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.set_word_wrap(word_wrap)
        self._apply_font()

    def _connect_signals(self) -> None:
        view = self.document_view
        view.link_activated.connect(self.on_link_activated)
        view.link_hovered.connect(self.link_hovered)
        view.link_focused.connect(self.link_hovered)
        view.link_download_requested.connect(self.download_requested)
        view.link_new_tab_requested.connect(self.new_tab_requested)
        view.drained.connect(self._on_render_progress)
        view.columns_changed.connect(self._on_columns_changed)
        self.find_bar.opened.connect(self._forget_place)
        self.error_banner.retry_requested.connect(self.reload)
        self.notice_bar.save_requested.connect(self.saver.save_page)
        r = self.renderer
        r.title_changed.connect(self.on_title_changed)
        r.encoding_changed.connect(self.on_encoding_changed)
        r.kind_changed.connect(self.on_kind_changed)
        r.truncated.connect(self.on_truncated)
        r.rendered.connect(self._on_render_progress)
        self.host.lab.decode_per_chunk_changed.connect(self._on_decode_per_chunk_changed)
        f = self.fetcher
        f.emit_body_parts = self.host.lab.decode_per_chunk
        f.set_backlog_probe(lambda: self.document_view.pending_chars)
        f.started.connect(self.on_fetch_started)
        f.transfer_info.connect(self.on_transfer_info)
        f.request_sent.connect(self.on_request_sent)
        f.head_received.connect(self.on_head_received)
        f.wire_received.connect(self.on_wire_received)
        f.chunk_received.connect(self.on_chunk_received)
        f.chunks_recorded.connect(self.on_chunks_recorded)
        f.body_parts.connect(self.on_body_parts)
        f.progress_changed.connect(self.on_progress_changed)
        f.redirected.connect(self.on_redirected)
        f.finished.connect(self.on_finished)
        f.failed.connect(self.on_failed)
        f.stopped.connect(self.on_stopped)

    def status_widgets(self) -> list[QWidget]:
        """What the window's status bar shows for this page: the status line first (it
        stretches), then its permanent widgets, left to right."""
        widgets: list[QWidget] = [self.load_status]
        if self.saver.saving and self.saver.status is not None:
            widgets.append(self.saver.status)  # a Save Page's progress and Cancel
        return [*widgets, self.charset_label, self.phase_bar]

    # -- state ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self._url

    @property
    def state(self) -> LoadState:
        return self.load_machine.state

    @property
    def is_loading(self) -> bool:
        return self._request_id != 0 and self.fetcher.is_loading

    @property
    def load_ok(self) -> bool | None:
        """None while loading, else whether the last load ended with a page."""
        return self.load_machine.ok

    @property
    def rendering(self) -> bool:
        """True while received text is still on its way into the view."""
        return self.renderer.busy or self.document_view.has_pending()

    @property
    def text_coming(self) -> bool:
        """More of the page's text is still to come into the view: it loads or renders."""
        return self.is_loading or self.rendering

    @property
    def has_body(self) -> bool:
        return self._has_body

    @property
    def view_mode(self) -> ViewMode:
        return self._mode

    @property
    def encoding_override(self) -> str | None:
        return self._override

    @property
    def can_copy_curl(self) -> bool:
        return bool(self._url) and not internal.is_internal(self._url) and not self._curl_refused

    def _fire(self, transition: str) -> None:
        before = self.load_machine.state
        state = self.load_machine.fire(transition)
        # The link hints say "still loading" rather than just "no links" while it streams.
        hints = self.document_view.link_hints
        hints.streaming = state.loading or state is LoadState.RENDERING
        if state is not before:
            hints.refresh()  # the mode line of the hints may change with it
            self.state_changed.emit(state)

    def _end_load(self, transition: str) -> None:
        self._fire(transition)
        self.actions_changed.emit()
        if not self.text_coming:  # (else once the view has it all: _on_render_progress)
            self.find_bar.more_ended()
        self.load_ended.emit(bool(self.load_machine.ok))

    def _set_title(self, title: str) -> None:
        self.title = title
        self.title_changed.emit(title)

    # -- navigation -------------------------------------------------------------------------

    def enter_address(self, text: str) -> None:
        """The address bar's Enter: a same-document #fragment scrolls, anything else loads."""
        text = text.strip()
        if not text:
            return
        same = self._same_page(text)
        if same is not None:
            self._go_to_fragment(same)
            return
        self.load(text, typed=True)

    @Slot(str)
    def load(self, text: str, typed: bool = False, from_history: bool = False) -> None:
        """Open an address: internal pages at once, anything else through the Fetcher."""
        self._pending = None
        self._fragment = fragments.fragment_of(text.strip())
        if internal.is_internal(text):
            self._show_internal(text, from_history)
            return
        try:
            url = parse_url(text).url  # what is requested: never the fragment
        except InvalidURL as exc:
            self._fragment = None
            self._show_invalid_address(text, exc)
            return
        shown = fragments.with_fragment(url, self._fragment)
        if typed:
            self.host.add_typed(shown)
        if not from_history:
            self.history.visit(shown)
        self._url = shown
        self._request_id = self.fetcher.load(url, self.load_options())

    def _same_page(self, text: str) -> str | None:
        """``text`` as an absolute address when it is the page on screen with a #fragment
        (a same-document navigation: no request), else None."""
        if fragments.fragment_of(text) is None or not (self._has_body or self.is_loading):
            return None
        url = text
        if not internal.is_internal(text):
            try:
                url = fragments.with_fragment(parse_url(text).url, fragments.fragment_of(text))
            except InvalidURL:
                return None
        return url if fragments.same_document(url, self._url) else None

    def _go_to_fragment(self, url: str, from_history: bool = False) -> None:
        """Move within the page on screen to ``url``'s fragment: no request. The address bar
        and the history follow; going back returns to where the reader was."""
        self._forget_place()
        if not from_history:
            self._tops[self.history.index] = self.document_view.top_position()
            self.history.visit(url)
        self._url = url
        fragment = self._fragment = fragments.fragment_of(url)
        self.url_changed.emit(url)  # the title stays the page's own: the same document
        view = self.document_view
        names = fragments.target_names(fragment) if fragment else []
        top = fragment is not None and fragment.lower() == "top"
        if names and not (top and view.anchor_position(names) is None):
            # Shown now, or once it arrives while the page streams; a target the page does
            # not have leaves the view where it is, silently, as in browsers.
            view.scroll_to_target(names)
        elif names:  # HTML: "#top" with no such target is the top of the document
            view.scroll_to_target(None)
            view.show_at_top(0)
        else:
            view.scroll_to_target(None)
            view.show_at_top(self._tops.get(self.history.index, 0))
        self.actions_changed.emit()

    def load_options(self) -> FetchOptions:
        """The options of the next load: the window's own (tests and benches set them), with
        the receive lab's recv size and slow motion wherever the user moved them off their
        defaults; the lab never touches a running load."""
        options = self.host.options or FetchOptions()
        lab = self.host.lab
        if lab.recv_size != DEFAULT_RECV_SIZE:
            options = dataclasses.replace(options, recv_size=lab.recv_size)
        if lab.chunk_delay > 0:
            options = dataclasses.replace(options, chunk_delay=lab.chunk_delay)
        return options

    @Slot()
    def reload(self) -> None:
        if self._url:
            self.load(self._url, from_history=True)

    @Slot()
    def stop(self) -> None:
        self.fetcher.stop()

    def go_back(self) -> None:
        self._go_history(forward=False)

    def go_forward(self) -> None:
        self._go_history(forward=True)

    def _go_history(self, forward: bool) -> None:
        index, top = self.history.index, self.document_view.top_position()
        url = self.history.forward() if forward else self.history.back()
        if url is None:
            return
        if fragments.same_document(url, self._url) and (self._has_body or self.is_loading):
            self._tops[index] = top
            self._go_to_fragment(url, from_history=True)
        else:
            self.load(url, from_history=True)

    def restore_history(self, entries: list[str], index: int) -> None:
        """A restored back/forward list (a session, a reopened tab): the entry at ``index``
        becomes the page's address and title, loaded by :meth:`load_pending` (when the tab
        is first shown, as browsers restore background tabs on demand)."""
        self.history = History.restored(entries, index)
        self._pending = self.history.current
        if self._pending is not None:
            self._url = self._pending
            self._set_title(display_title(page_title(self._pending)))
            self.actions_changed.emit()

    def load_pending(self) -> None:
        """Load the restored address, once (see :meth:`restore_history`)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            self.load(pending, from_history=True)

    @Slot(str)
    def on_link_activated(self, href: str) -> None:
        if href == RETRY_URL:
            self.reload()
            return
        if href == SAVE_URL:
            self.saver.save_page()
            return
        # An action link (delete, edit, ...) counts only on a page of Yonder's own.
        if internal.is_internal(self._url) and self.host.follow_library_link(href):
            return
        href = self.resolve(href) or ""
        if not href:
            return
        same = self._same_page(href)
        if same is not None:
            self._go_to_fragment(same)  # an in-page link: scroll, no request
            return
        self.load(href)

    def resolve(self, href: str) -> str | None:
        """A link of this page as an absolute address (None, said in the status line, when
        it cannot be resolved)."""
        if internal.is_internal(href) or "://" in href or not self._url:
            return href
        if internal.is_internal(self._url):
            return href
        try:
            return fragments.resolve_link(self._url, href)
        except InvalidURL as exc:
            self.load_status.show_text(str(exc))
            return None

    def _abandon_fetch(self) -> None:
        # The page no longer belongs to any fetch: anything still in flight is stale.
        if self._request_id and self.fetcher.is_loading:
            self.stream.on_aborted("stopped")
        self._request_id = 0
        self.fetcher.stop()

    def _new_page(self, url: str) -> None:
        self.renderer.stop()
        self.store.close()
        self._forget_place()
        self._lost_shown = False
        self._curl_refused = False
        self._has_body = False
        self._error_page = False
        self._bundled_page = False
        self._own_page = False
        self.document_view.clear_document()
        self.header_view.clear()
        self.error_banner.hide()
        self.notice_bar.hide()
        self.charset_label.clear()
        self._body_bytes = 0
        self._head_seen = False
        self._url = url
        self._tops.clear()
        self.link_hovered.emit("")  # a hovered or focused link of the page just left
        if fragments.without_fragment(url) != fragments.without_fragment(self._shown_url):
            # A new page starts in the Rendered view, decoded as it declares; a reload keeps
            # the view and the encoding the reader chose.
            self._mode = ViewMode.RENDERED
            self._override = None
        self._shown_url = url
        self.url_changed.emit(url)
        self._set_title(display_title(page_title(url)))
        self.actions_changed.emit()

    def _render(self, relayout: bool = False) -> None:
        """(Re-)render the stored body in the current view and encoding (``relayout``: the
        same page again for a new width, its notice kept, the reader's place not the
        fragment's)."""
        self._has_body = True
        if not relayout:
            self.notice_bar.hide()
        self.renderer.start(self.store, self._mode, self._override)
        if self._fragment and not relayout:  # shown as soon as its target has arrived
            self.document_view.scroll_to_target(fragments.target_names(self._fragment))
        self._apply_font()
        self.actions_changed.emit()

    def _show_internal(self, url: str, from_history: bool) -> None:
        self._abandon_fetch()
        library_page = self.host.library_page(url)
        if library_page is not None:
            url = library_page[0]  # without an action it may hold: it is not carried out
        if not from_history:
            self.history.visit(url)
        self._new_page(url)
        self._clear_load_views()
        page = fragments.without_fragment(url)  # a bundled page's #fragment names a target
        transition = "show"
        # Yonder's own pages: no charset label (nothing was decoded from a server), and the
        # bundled ones in the reading font, whatever page the tab showed before.
        self._own_page = library_page is not None or page in internal.OWN_PAGES
        self._bundled_page = page in internal.OWN_PAGES
        self._apply_font()
        if library_page is not None:
            # HTML, rendered like any web page (its links are absolute yonder: or http(s)).
            self._show_stored(url, library_page[1].encode("utf-8"), "text/html; charset=utf-8")
            self.header_view.show_message(f"{page_title(url)} (kept by Yonder, no network)")
            self.load_status.finish(page_title(url))
        elif page == internal.START_URL:
            segments = [*self.host.start_page_extra(), *internal.start_page()]
            self.document_view.append_segments(segments)
            self.header_view.show_message("Start page (bundled with Yonder, no network)")
            self.load_status.finish("Start page")
        elif page in (internal.ABOUT_URL, internal.KEYS_URL):
            if page == internal.ABOUT_URL:
                from net.version import version

                self.document_view.append_segments(internal.about_page(version()))
            else:
                self.document_view.append_segments(internal.keys_page())
            self.header_view.show_message(f"{page_title(url)} (bundled with Yonder, no network)")
            self.load_status.finish(page_title(url))
        else:
            data = internal.sample_bytes(page)
            if data is None:
                self._show_error_section(
                    url,
                    "Address",
                    f"There is no bundled page '{url}'",
                    "Open the start page (Alt+Home) for the list of bundled samples.",
                )
                transition = "refuse"
            else:
                # A bundled sample is a stored body like any other: every view works.
                self._show_stored(page, data, internal.sample_content_type(page))
                self.header_view.show_message(
                    f"Bundled sample {page_title(url)} (read from disk, no network)"
                )
                self.load_status.finish(f"Bundled sample: {format_size(len(data))}")
        if not self._fragment:
            self.document_view.show_at_top(0)  # a page opens at its top (or its fragment)
        self.document_view.flush_pending()  # small and local: no reason to stream it
        self._end_load(transition)

    def _show_stored(self, url: str, data: bytes, content_type: str) -> None:
        self.store.begin(url, headers=(("Content-Type", content_type),))
        self.store.append(data)
        self.store.finish(True)
        self._render()

    def _clear_load_views(self) -> None:
        # A page that no load produced: the timeline, chunk table and phase bar must not
        # go on describing the previous page's load.
        self._hops = []
        self.phase_bar.clear()
        self.stream.clear()

    def _show_invalid_address(self, text: str, exc: InvalidURL) -> None:
        self._abandon_fetch()
        # A refused user:password@ address: its password is shown nowhere (title, address
        # bar, error page), and Copy as curl, which would send it, is off for it.
        shown = mask_credentials(text)
        self._new_page(shown)
        self._clear_load_views()
        self._curl_refused = True
        self._show_error_section(shown, exc.phase, exc.message, f"InvalidURL: {exc.message}")
        self.document_view.flush_pending()
        self._end_load("refuse")

    def _show_error_section(self, url: str, phase: str, message: str, detail: str) -> None:
        segments = error_segments(url, phase, message, detail, self._body_bytes)
        if self._has_body:
            self.renderer.set_trailer(segments)  # after the partial body, in every view
        else:
            # An error page of its own: in the one font of error pages, at its title.
            self._error_page = True
            self._apply_font()
            self.document_view.append_segments(segments)
            self.document_view.flush_pending()
            self.document_view.verticalScrollBar().setValue(0)
        self.error_banner.show_error(summary(phase, message), retry_helps(phase))
        # The message is on the page and in the banner: the status bar only says what failed.
        self.load_status.finish(f"Could not load the page: {phase} error")
        if not self._head_seen:
            self.header_view.show_message(f"No response: {phase} error")

    # -- fetch events (the Fetcher drops other requests' events) ------------------------------

    @Slot(int, str)
    def on_fetch_started(self, request_id: int, url: str) -> None:
        # load() sets _request_id after Fetcher.load returns: started arrives first.
        self._request_id = request_id
        self._done_text = ""
        self._new_page(fragments.with_fragment(url, self._fragment))
        self._hops = []
        self.phase_bar.clear()
        self.stream.on_started()
        self.load_status.start()
        self._fire("start")
        self.actions_changed.emit()

    def _current(self, request_id: int) -> bool:
        return request_id == self._request_id

    @Slot(int, object)
    def on_transfer_info(self, request_id: int, event: object) -> None:
        if self._current(request_id):
            self.header_view.show_transfer(event)  # type: ignore[arg-type]

    @Slot(int, object)
    def on_request_sent(self, request_id: int, sent: object) -> None:
        if self._current(request_id):
            self.header_view.show_request(sent)  # type: ignore[arg-type]
            # Not "Connecting…" until the read timeout: the server has the request.
            self.load_status.show_text("Waiting for the server's response (request sent)")

    @Slot(int, object)
    def on_head_received(self, request_id: int, head: ResponseHead) -> None:
        if not self._current(request_id):
            return
        self._head_seen = True
        self._body_bytes = 0
        self._expected_bytes = _announced_size(head)
        self.header_view.show_head(head)
        self.stream.on_head(head)
        # Each hop's head starts a new body (a redirect's own body is replaced).
        self.store.begin(head.url, head_raw=head.raw, headers=head.headers, status=head.status)
        self._render()
        self._fire("head")

    @Slot(int, bytes, "qint64", float)
    def on_chunk_received(self, request_id: int, data: bytes, wire: int, elapsed: float) -> None:
        if not self._current(request_id):
            return
        self._body_bytes += len(data)
        self.store.append(data)
        if self.store.lost is not None and not self._lost_shown:
            self._lost_shown = True
            self._show_body_notice(self.renderer.rendered_offset >= self.store.view_cap)
        self.renderer.poke()

    @Slot(int, object)
    def on_chunks_recorded(self, request_id: int, records: list[tuple[float, int]]) -> None:
        if self._current(request_id):
            self.stream.on_recvs(records)

    @Slot(int, object)
    def on_body_parts(self, request_id: int, parts: list[bytes]) -> None:
        if self._current(request_id):
            self.stream.on_body_parts(parts)

    @Slot(int, bytes)
    def on_wire_received(self, request_id: int, wire: bytes) -> None:
        if not self._current(request_id):
            return
        self.store.append_wire(wire)
        self.renderer.poke()

    @Slot(int, "qint64", "qint64", float)
    def on_progress_changed(
        self, request_id: int, received: int, total: int, elapsed: float
    ) -> None:
        if self._current(request_id):
            self.load_status.update_progress(received, total, elapsed)

    @Slot(int, object)
    def on_redirected(self, request_id: int, hop: Redirected) -> None:
        if not self._current(request_id):
            return
        self.header_view.add_redirect(hop)
        self.stream.on_redirect(hop)
        self._hops.append(hop.timings)
        self.phase_bar.set_timings(self._hops)
        # A Location without a fragment keeps the one asked for, as in browsers.
        self._url = fragments.with_fragment(hop.to_url, self._fragment)
        self.history.replace_current(self._url)
        self.url_changed.emit(self._url)
        self._set_title(display_title(page_title(hop.to_url)))

    @Slot(int, object)
    def on_finished(self, request_id: int, done: Finished) -> None:
        if not self._current(request_id):
            return
        self.store.finish(True)
        self.renderer.poke()
        self.header_view.show_finished(done)
        self.stream.on_finished(done)
        self.phase_bar.set_timings(list(done.hops) or [*self._hops, done.timings])
        self._url = fragments.with_fragment(done.url, self._fragment)
        self.host.on_visited(done.url)
        self.url_changed.emit(self._url)
        # Two spans, each named: the final hop's transfer (what the Stream dock shows) and
        # the whole wait from Enter until the last byte was here.
        summary_text = (
            f"HTTP {done.status} · {format_size(done.body_bytes)} · transfer "
            f"{format_duration(done.timings.transfer)} · all received in "
            f"{format_duration(self.fetcher.elapsed)}"
        )
        if self.rendering:
            # The body is in, but a big page takes longer to show: "Done" only once it is.
            self._done_text = f"Done: {summary_text}"
            self.load_status.finish(f"Received ({summary_text}); still rendering the page…")
            self._end_load("received")
        else:
            self.load_status.finish(f"Done: {summary_text}")
            self._end_load("finish")

    @Slot(int, str, str, str)
    def on_failed(self, request_id: int, phase: str, message: str, detail: str) -> None:
        if not self._current(request_id):
            return
        self.store.finish(False)  # the partial content stays; the error follows it
        self.renderer.poke()
        self.stream.on_aborted(f"failed ({phase})")
        self._show_error_section(self._url, phase, message, detail)
        self._end_load("fail")

    @Slot(int)
    def on_stopped(self, request_id: int) -> None:
        if not self._current(request_id):
            return
        self.store.finish(False)
        self.renderer.poke()
        self.stream.on_aborted("stopped")
        self.load_status.finish(f"Stopped after {format_size(self._body_bytes)}")
        if not self._head_seen:
            self.header_view.show_message("Stopped before a response arrived")
        self.notice_bar.show_notice(self._stopped_notice())
        self._end_load("stop")

    def _stopped_notice(self) -> str:
        """What a stopped page says above it: that it is incomplete, and how much came."""
        if not self._head_seen:
            return (
                "Stopped before the server answered: nothing of the page arrived. "
                "Reload (F5) to try again."
            )
        got, expected = self._body_bytes, self._expected_bytes
        if expected is not None and expected > got:
            amount = (
                f"{got:,} of {expected:,} bytes ({format_size(got)} of {format_size(expected)})"
            )
        else:
            amount = (
                f"{got:,} bytes ({format_size(got)}; the server did not say how many to expect)"
            )
        return (
            f"Stopped: this page is incomplete, {amount} arrived. Reload (F5) to fetch all of it."
        )

    @Slot(int)
    def _on_columns_changed(self, columns: int) -> None:
        self.renderer.table_width = columns  # what the next rendering lays tables out for
        if self._tables_stale() and self.document_view.isVisible():
            self._relayout_timer.start()  # laid out again once the resize or zoom settles
        # (A hidden tab's view says HIDDEN_COLUMNS: laid out when shown, at its real width.)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._tables_stale():  # the width changed while the tab was hidden
            self._relayout_timer.start()

    def _tables_stale(self) -> bool:
        """The page shows tables laid out for another width than the view's now."""
        renderer = self.renderer
        return (
            self._has_body
            and self._mode == "rendered"
            and renderer.has_tables
            and renderer.rendered_width != renderer.table_width
        )

    @Slot()
    def _relayout_tables(self) -> None:
        if not self._tables_stale() or not self.document_view.isVisible():
            return  # (hidden: when shown)
        view = self.document_view
        # The reader's place, shown again once re-rendered (a relayout that replaces one not
        # done yet keeps the first place, and its picture); meanwhile the view's last frame.
        if self._restore is None:
            self._restore = ReadingPlace.of(view)
        else:
            self._restore.restart()
        self._frozen.freeze()
        self._frozen.whole_pending = True  # (Select All, Copy: the page, once whole again)
        # And the link hints on: the same page laid out again (a resize, a zoom) is no reason
        # to end them; they label the links again where they now are.
        hints = view.link_hints
        hinting, new_tab = hints.hinting, hints.new_tab
        self._render(relayout=True)
        if hinting:
            hints.start(new_tab=new_tab)
        self._restore_place()

    def _restore_place(self) -> None:
        place = self._restore
        if place is None:
            return
        view = self.document_view
        pos = place.position(view)
        if pos is None:
            if self.rendering:
                return  # its text is still to come
            pos = place.fallback(view)
        view.show_at_top(pos)  # (the caret too, as a scroll takes it: keys go on from there)
        if self.rendering and view.line_index(view.top_position()) < view.line_index(pos):
            return  # too near the end of what has arrived to be the first line: again
        self._restore = None
        self._frozen.thaw()  # (and the keys pressed meanwhile act from the place)

    @Slot()
    def _on_frozen_too_long(self) -> None:
        self._restore = None  # the page as it is now; the reader's keys act on it
        self._frozen.thaw()
        self._frozen.release_keys()

    @Slot()
    def _forget_place(self) -> None:
        """The reader went elsewhere (a link, Find, Back, another view or encoding): the page
        as it is now, no place brought back, the keys pressed meanwhile dropped."""
        self._restore = None
        self._frozen.drop_keys()
        self._frozen.thaw()

    @Slot()
    def _on_render_progress(self) -> None:
        self._restore_place()
        if self.rendering:
            return
        if not self.text_coming:
            self.find_bar.more_ended()
        self._frozen.release_keys()  # (Select All, Copy: the whole page, now)
        if self._tables_stale():
            self._relayout_timer.start()  # the width changed while this rendering ran
        if self.load_machine.state is LoadState.RENDERING:
            text, self._done_text = self._done_text, ""
            self.load_status.finish(text)
            self._fire("rendered")

    @Slot(bool)
    def _on_decode_per_chunk_changed(self, on: bool) -> None:
        self.fetcher.emit_body_parts = on  # takes effect with the next batch

    # -- views, encoding, fonts ---------------------------------------------------------------

    def set_view_mode(self, mode: ViewMode) -> None:
        """Show the page as Rendered, Source or Wire: re-rendered from the store, no fetch."""
        self._mode = ViewMode(mode)
        self._forget_place()
        if self._has_body:
            self._render()

    def set_encoding(self, label: str | None) -> None:
        """Decode the body with ``label`` (None: as the page declares), without fetching."""
        self._override = label or None
        self._forget_place()
        if self._has_body:
            self._render()

    @Slot(str)
    def on_title_changed(self, title: str) -> None:
        title = display_title(title)
        if title:
            self._set_title(title)
            self.host.on_title(self._url, title)

    @Slot(object)
    def on_encoding_changed(self, choice: CharsetChoice) -> None:
        if self._own_page:  # bookmarks, history: Yonder wrote them, no server declared it
            self.charset_label.clear()
            return
        self.charset_label.setText(display_line(charset_label(choice), 120))

    @Slot(str)
    def on_kind_changed(self, kind: str) -> None:
        self._apply_font()
        if kind == "binary":
            what = self.store.content_type.split(";", 1)[0].strip() or "no type given"
            self.notice_bar.show_notice(
                f"Binary content ({what}): shown as a hex dump, never as text.", offer_save=True
            )

    @Slot("qint64", "qint64")
    def on_truncated(self, shown: int, total: int) -> None:
        self._show_body_notice(True, shown)

    def _show_body_notice(self, truncated: bool, shown: int = 0) -> None:
        """The notice for a body the view or the store does not hold whole: how much the view
        shows, and whether Save will have all of it (and if not, why not)."""
        store = self.store
        lost = store.lost
        sentences = []
        if truncated:
            sentences.append(
                f"Document truncated at {format_size(shown or store.view_cap)} in the view"
            )
        if lost is not None:
            sentences.append(f"Save will be incomplete: {lost}")
        elif not store.ended and store.truncated_in_view:
            sentences.append(
                "the rest of the body goes to a temporary file, so Save will have all of it"
            )
        elif not store.ended:
            sentences.append(
                "the rest of the body is kept as it arrives, so Save will have all of it"
            )
        else:
            sentences.append(f"the whole {format_size(store.body_size)} body is kept for Save")
        text = "; ".join(sentences) + "."
        self.notice_bar.show_notice(
            text[0].upper() + text[1:], offer_save=True, error=lost is not None
        )

    def _apply_font(self) -> None:
        # Rendered HTML reads best in a proportional font (its tables, pre and code spans are
        # monospace); Source, Wire, plain text and hex dumps line up in a monospace font.
        # Error pages (nothing received) read as rendered text too: one font for all of them.
        # Yonder's bundled pages (start page, About, Keys) are written for the reading font.
        proportional = (
            (self._has_body and self.renderer.kind == "html")
            or self._error_page
            or self._bundled_page
        )
        font = QFont(QApplication.font()) if proportional else monospace_font()
        font.setPointSizeF(max(4.0, BASE_POINT_SIZE + self._zoom))
        if font != self.document_view.font():
            self.document_view.setFont(font)

    def set_zoom(self, steps: int) -> None:
        self._zoom = steps
        self._apply_font()

    def set_word_wrap(self, on: bool) -> None:
        mode = QPlainTextEdit.LineWrapMode.WidgetWidth if on else QPlainTextEdit.LineWrapMode.NoWrap
        self.document_view.setLineWrapMode(mode)

    def find_next(self, backwards: bool = False) -> None:
        if not self.find_bar.isVisible():
            self.find_bar.open_bar()
        elif backwards:
            self.find_bar.find_previous()
        else:
            self.find_bar.find_next()

    def report(self, text: str, error: bool = False) -> None:
        self.notice_bar.show_notice(text, offer_save=False, error=error)
        self.load_status.show_text(text)

    def curl_command(self) -> str:
        from ui.text.curl_command import curl_command_for

        return curl_command_for(
            fragments.without_fragment(self._url), self.host.options or FetchOptions()
        )

    def copy_as_curl(self) -> None:
        if not self.can_copy_curl:
            self.report("Copy as curl needs a web address: load one first.")
            return
        command = self.curl_command()
        QGuiApplication.clipboard().setText(command)
        self.load_status.show_text(f"Copied: {command}")

    # -- closing --------------------------------------------------------------------------------

    def close_page(self, wait_ms: int) -> None:
        """Closing the tab (or the window): cancel the transfer and join its thread
        (bounded), cancel a running save (nothing half-written is left), free the body."""
        self._request_id = 0
        self.fetcher.shutdown(wait_ms)
        self.saver.cancel_on_close()
        self.renderer.stop()
        self.store.close()

    def is_start_page(self) -> bool:
        return fragments.without_fragment(self._url) == internal.START_URL
