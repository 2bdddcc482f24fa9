"""Suite-wide settings. Hypothesis explores randomly on a developer's machine but replays a
fixed set of examples under CI (CI=true), so a red CI run always reproduces."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
