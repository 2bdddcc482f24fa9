"""Names vulture (`make lint`) would call unused, each kept on purpose, with the reason.

vulture reads this file as if it were source (it is never imported or run): a name used here
counts as used. It looks at main.py, net/, ui/, bench/ and packaging/, not tests/, so code
that only tests use is reported like dead code. Add a name here only when something outside
Python's view calls it (a framework, a protocol), never to silence dead code.
"""

# ruff: noqa: B018 (each line is a use, for vulture)

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# -- frameworks that call by name ---------------------------------------------------------

# socketserver / http.server read these class attributes and call these methods
# (net/demo_server.py; bench/startup_frozen.py's loopback server).
_.daemon_threads
_.block_on_close
_.address_family
_.server_name
_.process_request
_.protocol_version
_.server_version
_.log_message
_.do_GET
_.do_HEAD
_.close_connection

# A module-level __getattr__ (PEP 562): `from net.version import __version__`.
_.__getattr__

# Qt virtual methods, called by Qt (QPlainTextEdit, QAbstractTableModel).
_.contextMenuEvent
_.createMimeDataFromSelection  # Copy, Ctrl+C and drags (ui/page/document_view.py)
_.hasFormat  # QMimeData: what a paste may ask for (ui/page/rich_copy.py)
_.columnCount
_.headerData

# html.parser.HTMLParser's hooks, called by its goahead (ui/text/render/tokenizer.py).
_.updatepos
_.handle_startendtag
_.handle_starttag
_.handle_endtag
_.handle_data

# The import system calls a sys.meta_path finder's find_spec (ui/text/render/native.py).
_.find_spec

# json.JSONDecoder reads its scan_once (json_pretty puts the pure-Python scanner there).
_.scan_once

# Style members made by value: HEADINGS = {f"h{n}": Style(f"h{n}") ...} (render/elements.py).
_.H3
_.H4
_.H5
_.H6

# -- read only by tests (TODO: assert what is on screen instead, then remove) -------------
# Each is state with no on-screen equivalent yet, read by tests that sit in files the lead is
# restructuring (test_page_views, test_polish, test_stream_wiring, test_window, test_big_pages)
# or that bound the work a frame does (find bar, frame timers). Shrink this list; never grow it.

_.hinting  # LinkHints: hint mode is on (test_link_hints)
_.disposing  # DocumentView: old documents still being taken apart (test_big_pages)
_.current_id  # Fetcher: the current request's id (test_window)
_.current_index  # FindBar: the current match (test_find_bar, test_page_views)
_.search_work  # FindBar: characters the last search scanned (test_find_bar: bounded work)
_.snapshot_chars  # FindBar: characters read from the document (test_find_bar: no re-reads)
_.pending_count  # ChunkTableModel: rows not shown yet (test_chunk_table, test_polish)
_.row_values  # ChunkTableModel: a row's numbers (test_chunk_table, test_polish)
_.is_animating  # ChunkTableModel, TimelineView: the frame timer runs (it must stop when idle)
_.broken_count  # DecodeCompareView: broken characters now (its label follows on a frame)
_.set_decode_per_chunk  # ReceiveLab: the tests elsewhere click decode_check (test_stream_wiring)
_.is_live  # StreamPanel: a transfer is shown live (test_stream_panel, test_stream_wiring)
_.mypyc_extensions  # native.py: setup.py and tools/build_native.py load native.py by path
_.opened  # RenderProcess: documents it was given (test_render_process: really rendered there)
