#!/bin/bash
# A first-time user's five minutes without a mouse (issue 10), on Xvfb + openbox: open a page,
# Tab to a link and follow it, follow a table-of-contents #fragment link of a Sphinx-like page,
# go back, find text, save, download. A screenshot after every step goes to OUT (look at them).
#   docs/walkthrough_keyboard.sh [OUT]      needs Xvfb, openbox, xdotool, imagemagick (import)
# It prints the requests the loopback server received and checks the saved and downloaded files.
set -eu
OUT=$(realpath -m "${1:-/tmp/yonder-walkthrough}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.venv/bin/python"
mkdir -p "$OUT/site" "$OUT/home" "$OUT/shots"
rm -f "$OUT/saved.html" "$OUT/data.bin"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
cd "$ROOT"
"$PY" - "$OUT/site" <<'PYTHON'
import sys
from pathlib import Path

from tests.gui.journeys.pages import manual

site = Path(sys.argv[1])
(site / "manual.html").write_text(manual(15))
(site / "other.html").write_text("<title>Other</title><h1>The other page</h1><p>Followed.</p>")
(site / "data.bin").write_bytes(bytes(range(256)) * 400)
PYTHON
exec 3>"$OUT/displayfd"
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -s "$OUT/displayfd" ] && break; sleep 0.1; done
export DISPLAY=":$(head -1 "$OUT/displayfd")"
openbox >"$OUT/openbox.log" 2>&1 &
PIDS+=($!)
"$PY" -m http.server 0 --bind 127.0.0.1 --directory "$OUT/site" >"$OUT/http.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do grep -q 'port [0-9]' "$OUT/http.log" && break; sleep 0.1; done
PORT=$(grep -o 'port [0-9]*' "$OUT/http.log" | head -1 | cut -d' ' -f2)
HOME="$OUT/home" XDG_CONFIG_HOME="$OUT/home/.config" XDG_DATA_HOME="$OUT/home/.local/share" \
    "$PY" main.py >"$OUT/app.log" 2>&1 &
PIDS+=($!)
sleep 4  # the window maps (this is a demonstration, not a test: it waits, then looks)
shot() { import -window root "$OUT/shots/$1.png"; }
key() { xdotool key --clearmodifiers "$@"; sleep 0.8; }
type_text() { xdotool type --delay 20 "$1"; sleep 0.5; }
shot 00-start
key ctrl+l; type_text "127.0.0.1:$PORT/manual.html"; key Return; sleep 1; shot 01-opened
key Tab; shot 02-tab-first-link
key Tab; key Tab; shot 03-tab-third-link
key Return; sleep 1; shot 04-fragment-followed
key alt+Left; sleep 1; shot 05-back
for _ in 1 2 3 4 5 6; do key Tab; done; shot 06-tab-to-other
key Return; sleep 1; shot 07-other-page
key alt+Left; sleep 1; shot 08-back-again
key ctrl+f; type_text "Usage paragraph 3"; key Return; shot 09-find
key Escape; key ctrl+s; sleep 1; shot 10-save-dialog
type_text "$OUT/saved.html"; key Return; sleep 1; shot 11-saved
key ctrl+shift+d; sleep 1; type_text "http://127.0.0.1:$PORT/data.bin"; key Return; sleep 1
shot 12-download-dialog
type_text "$OUT/data.bin"; key Return; sleep 2; shot 13-downloaded
key F6; shot 14-f6
echo "requests received:"; grep '"GET' "$OUT/http.log"
cmp "$OUT/saved.html" "$OUT/site/manual.html" && echo "saved page: identical"
cmp "$OUT/data.bin" "$OUT/site/data.bin" && echo "download: identical"
echo "screenshots: $OUT/shots"
