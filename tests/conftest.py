"""Suite-wide settings. Hypothesis explores randomly on a developer's machine but replays a
fixed set of examples under CI (CI=true), so a red CI run always reproduces. A page's
load-state machine is strict under the tests: a transition that does not apply raises
(the app logs it and goes on: ui/page/load_state.py)."""

from __future__ import annotations

import os

from hypothesis import settings

from ui.page import load_state

load_state.STRICT = True

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
