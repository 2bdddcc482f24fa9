#!/usr/bin/env bash
# Fail (exit 1, with advice) when a PyInstaller build log shows a bundle that would break:
#   - "Library not found": a shared library a bundled file needs was not on the build
#     machine; the bundle would start here and fail on the user's machine;
#   - "ERROR:": a module the analysis could not find (e.g. "Hidden import 'ui.app' not found").
# Usage: check_build_log.sh LOG
set -euo pipefail
log=$1
status=0
if grep -n "Library not found" "$log" >&2; then
    echo "check_build_log: PyInstaller could not find the shared libraries above, so the" \
         "bundle would not start elsewhere. Install them on the build machine (on Debian:" \
         "apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0" \
         "...) and build again. Log: $log" >&2
    status=1
fi
if grep -n "ERROR:" "$log" >&2; then
    echo "check_build_log: PyInstaller reported the errors above; the app would not run." \
         "Log: $log" >&2
    status=1
fi
exit $status
