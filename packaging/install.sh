#!/usr/bin/env bash
# Install the built Yonder for the current user (no root):
#   ~/.local/opt/yonder/                          the app (a copy of dist/yonder)
#   ~/.local/bin/yonder                           symlink to the executable
#   ~/.local/share/applications/yonder.desktop   menu entry, Exec= absolute, opens http(s) URLs
#   ~/.local/share/icons/hicolor/*/apps/yonder.*  icons (PNG sizes and scalable SVG)
# Every file and every directory it creates is listed in ~/.local/opt/yonder/.install-manifest
# so uninstall.sh removes exactly those. Running it again replaces the previous install.
# A yonder.desktop or icon that is already there and not from a previous run (the user's own,
# or another package's) is never overwritten: it is kept, left out of the manifest, and named
# in a note.
#
# Usage: install.sh [BUNDLE_DIR]
#   BUNDLE_DIR defaults to the directory holding this script when that is a bundle (the
#   unpacked tar.gz), else dist/yonder of the checkout. Honours XDG_DATA_HOME.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ge 1 ]; then
    bundle=$1
elif [ -x "$here/yonder" ] && [ -d "$here/_internal" ]; then
    bundle=$here
else
    bundle=$here/../dist/yonder
fi
if [ ! -x "$bundle/yonder" ] || [ ! -d "$bundle/_internal/resources" ]; then
    echo "install.sh: no built Yonder in '$bundle' (expected the executable 'yonder' and" \
         "_internal/resources/). Build it first with 'make dist', or pass the unpacked" \
         "bundle directory." >&2
    exit 1
fi
bundle=$(cd "$bundle" && pwd)
resources=$bundle/_internal/resources

opt_root=${YONDER_OPT_DIR:-$HOME/.local/opt}
bin_dir=${YONDER_BIN_DIR:-$HOME/.local/bin}
data_dir=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=$opt_root/yonder
apps_dir=$data_dir/applications
hicolor=$data_dir/icons/hicolor
manifest=$app_dir/.install-manifest

# The menu entry with an absolute Exec= (a desktop may not have ~/.local/bin on its PATH).
exec_path=$app_dir/yonder
case $exec_path in
    *[\"\`\$\\]*)
        echo "install.sh: the install path '$exec_path' contains a quote, backquote, dollar or" \
             "backslash, which a .desktop Exec= line cannot carry simply; set YONDER_OPT_DIR" \
             "to a plainer directory." >&2
        exit 1 ;;
    *[[:space:]]*) exec_q=\"$exec_path\" ;;  # the desktop spec's quoting for spaces
    *) exec_q=$exec_path ;;
esac
if [ "$bundle" = "$app_dir" ]; then
    echo "install.sh: '$bundle' is the installed copy; run the install.sh of a build." >&2
    exit 1
fi
if { [ -e "$bin_dir/yonder" ] || [ -L "$bin_dir/yonder" ]; } &&
        [ "$(readlink "$bin_dir/yonder" || true)" != "$app_dir/yonder" ]; then
    echo "install.sh: '$bin_dir/yonder' exists and is not this script's link (perhaps a pip" \
         "install of Yonder); remove it or set YONDER_BIN_DIR, then run install.sh again." >&2
    exit 1
fi
if [ -f "$manifest" ]; then
    "$here/uninstall.sh" --quiet
elif [ -e "$app_dir" ]; then
    echo "install.sh: '$app_dir' exists but was not installed by this script (no" \
         "$manifest); move it away and run install.sh again." >&2
    exit 1
fi

entries=()  # manifest lines: "D dir" (created), "F file", "L symlink", "C cache file"
desktop_tmp=""

# A run that stops part way (a full disk, a file where a folder should be) still writes the
# manifest of what it did install, so uninstall.sh can remove it and a new run replaces it
# (without one, the next run refused the folder and kept its files as the user's own).
finish() {
    local status=$?
    [ -z "$desktop_tmp" ] || rm -f "$desktop_tmp"
    rm -rf "$app_dir.partial"
    if [ "$status" != 0 ] && [ -d "$app_dir" ] && [ ! -f "$manifest" ]; then
        printf '%s\n' "${entries[@]}" >"$manifest" || true
        echo "install.sh: the install stopped part way (see the error above); run" \
             "'$app_dir/uninstall.sh' to remove what it installed, or install.sh again" \
             "once the cause is fixed." >&2
    fi
}
trap finish EXIT

make_dir() {  # mkdir -p that records each directory it creates, outermost first
    local dir=$1 missing=()
    while [ ! -d "$dir" ]; do
        missing=("$dir" "${missing[@]}")
        dir=$(dirname "$dir")
    done
    for dir in "${missing[@]}"; do
        mkdir "$dir"
        entries+=("D $dir")
    done
}

kept=()  # files that were already there and are left alone

exists() { [ -e "$1" ] || [ -L "$1" ]; }

install_file() {  # install_file SRC DEST (never over a file that is already there)
    if exists "$2"; then
        kept+=("$2")
        return 0
    fi
    make_dir "$(dirname "$2")"
    cp "$1" "$2"
    chmod 644 "$2"
    entries+=("F $2")
}

# The app: copy beside, then rename, so a half-copied tree is never the installed one.
make_dir "$opt_root"
rm -rf "$app_dir.partial"
cp -a "$bundle" "$app_dir.partial"
mv "$app_dir.partial" "$app_dir"
entries+=("D $app_dir")

make_dir "$bin_dir"
ln -sfn "$app_dir/yonder" "$bin_dir/yonder"
entries+=("L $bin_dir/yonder")

desktop_tmp=$(mktemp)
awk -v exec_q="$exec_q" -v try="$exec_path" '
    /^Exec=/ { print "Exec=" exec_q " %u"; print "TryExec=" try; next }
    { print }
' "$resources/yonder.desktop" >"$desktop_tmp"
install_file "$desktop_tmp" "$apps_dir/yonder.desktop"

for png in "$resources"/icons/yonder-*.png; do
    size=${png##*/yonder-}
    size=${size%.png}
    install_file "$png" "$hicolor/${size}x${size}/apps/yonder.png"
done
install_file "$resources/icons/yonder.svg" "$hicolor/scalable/apps/yonder.svg"

# Caches, when the tools exist. A cache file this run creates is recorded so uninstall can
# drop it together with a directory that only held Yonder.
refresh_cache() {  # refresh_cache CACHE_FILE COMMAND...
    local cache=$1
    shift
    command -v "$1" >/dev/null 2>&1 || return 0
    local existed=1
    [ -e "$cache" ] || existed=0
    if "$@" >/dev/null 2>&1 && [ "$existed" = 0 ] && [ -e "$cache" ]; then
        entries+=("C $cache")
    fi
}
refresh_cache "$apps_dir/mimeinfo.cache" update-desktop-database -q "$apps_dir"
refresh_cache "$hicolor/icon-theme.cache" gtk-update-icon-cache -q -t -f "$hicolor"

printf '%s\n' "${entries[@]}" >"$manifest"
echo "install.sh: installed Yonder into $app_dir; run it as '$bin_dir/yonder' or from the" \
     "applications menu."
for path in "${kept[@]}"; do
    echo "install.sh: note: kept the existing $path (not Yonder's, not overwritten; uninstall.sh" \
         "leaves it too). Remove it and run install.sh again to get Yonder's."
done
case ":$PATH:" in
    *":$bin_dir:"*) ;;
    *) echo "install.sh: note: $bin_dir is not on your PATH." ;;
esac
