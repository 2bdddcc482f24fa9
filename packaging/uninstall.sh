#!/usr/bin/env bash
# Remove what install.sh installed for the current user, exactly: the files, links and
# directories listed in ~/.local/opt/yonder/.install-manifest (directories only when empty),
# then refresh the desktop caches install.sh refreshed.
#
# Usage: uninstall.sh [--quiet]   (honours XDG_DATA_HOME, YONDER_OPT_DIR like install.sh)
set -euo pipefail

quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1

opt_root=${YONDER_OPT_DIR:-$HOME/.local/opt}
data_dir=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=$opt_root/yonder
manifest=$app_dir/.install-manifest

main() {
    if [ ! -f "$manifest" ]; then
        echo "uninstall.sh: Yonder is not installed here (no $manifest); nothing removed."
        return 0
    fi
    local entries=() line kind path
    mapfile -t entries <"$manifest"

    for line in "${entries[@]}"; do
        kind=${line%% *}
        path=${line#* }
        case $kind in
            F) rm -f -- "$path" ;;
            # Only our own link: something else may have taken the name since.
            L) [ "$(readlink -- "$path" || true)" = "$app_dir/yonder" ] && rm -f -- "$path" ;;
        esac
    done
    rm -rf -- "$app_dir"

    # Caches install.sh created: dropped when nothing but the cache is left in their
    # directory, refreshed otherwise (so the menu forgets Yonder).
    for line in "${entries[@]}"; do
        kind=${line%% *}
        path=${line#* }
        [ "$kind" = C ] || continue
        local dir
        dir=$(dirname -- "$path")
        if [ -d "$dir" ] && [ -z "$(find "$dir" -mindepth 1 ! -path "$path" -print -quit)" ]; then
            rm -f -- "$path"
        fi
    done
    if [ -d "$data_dir/applications" ] && [ -e "$data_dir/applications/mimeinfo.cache" ] &&
            command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$data_dir/applications" || true
    fi
    if [ -e "$data_dir/icons/hicolor/icon-theme.cache" ] &&
            command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t -f "$data_dir/icons/hicolor" || true
    fi

    # Directories install.sh created, innermost first, only if now empty.
    local i
    for ((i = ${#entries[@]} - 1; i >= 0; i--)); do
        line=${entries[i]}
        [ "${line%% *}" = D ] || continue
        path=${line#* }
        [ -d "$path" ] && rmdir -- "$path" 2>/dev/null || true
    done
    [ "$quiet" = 1 ] || echo "uninstall.sh: removed Yonder from $app_dir and its menu entry and icons."
}

# Everything runs from main(), parsed whole before it starts, so deleting the installed copy
# of this very script (it ships inside the bundle) cannot derail it.
main
exit 0
