#!/usr/bin/env bash
# Build the standalone Yonder: dist/yonder/ (PyInstaller onedir, trimmed, stripped) and
# dist/yonder-<version>-linux-<arch>.tar.gz. Run from anywhere; `make dist` calls it.
#
# Fails when PyInstaller could not find a shared library a bundled file needs ("Library not
# found" in the log): such a bundle starts on the build machine and breaks on the user's.
# On Debian/Ubuntu the usual cure is: apt-get install libxcb-icccm4 libxcb-keysyms1 ...
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-.venv/bin/python}
WORK=build/pyinstaller
LOG=build/yonder-build.log
mkdir -p build dist

# Two builds at once (two test runs, `make dist` beside a test) would write the same dist/;
# take turns.
exec 9>build/.build.lock
flock 9

version=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
arch=$(uname -m)
tarball="dist/yonder-${version}-linux-${arch}.tar.gz"

start=$(date +%s.%N)
# The compiled renderer the spec bundles (build/native/<cache_tag>/; nothing to do when current).
"$PY" tools/build_native.py
rm -rf "$WORK" dist/yonder "$tarball"
if ! "$PY" -m PyInstaller --noconfirm --distpath dist --workpath "$WORK" \
        packaging/yonder.spec >"$LOG" 2>&1; then
    tail -n 30 "$LOG" >&2
    echo "build.sh: PyInstaller failed; the whole log is in $LOG" >&2
    exit 1
fi

if ! bash packaging/check_build_log.sh "$LOG"; then
    rm -rf dist/yonder
    exit 1
fi
# Belt and braces for the two that FACTS.md found missing on a bare machine: without them
# the bundle cannot open a window on X11 and Qt blames xcb-cursor0 instead.
for lib in libxcb-icccm.so.4 libxcb-keysyms.so.1; do
    if [ -z "$(find dist/yonder -name "$lib" -print -quit)" ]; then
        echo "build.sh: $lib is not in dist/yonder; install it (apt-get install" \
             "libxcb-icccm4 libxcb-keysyms1) and build again." >&2
        exit 1
    fi
done

# The unpacked tar.gz installs itself: yonder/install.sh (and later uninstall.sh).
install -m 755 packaging/install.sh packaging/uninstall.sh dist/yonder/

# Reproducible-ish archive: sorted names, no owner names, fixed mtime from the last commit.
mtime=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" \
    -C dist -czf "$tarball" yonder

end=$(date +%s.%N)
seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
echo "$seconds" >build/build-seconds.txt
echo "build.sh: dist/yonder ($(du -sh dist/yonder | cut -f1)) and $tarball" \
     "($(du -h "$tarball" | cut -f1)) in ${seconds} s"
