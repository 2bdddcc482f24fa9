"""`python -m yonder_browser`: the installed Yonder (its main.py; in a checkout, run main.py)."""

import sys

from yonder_browser.main import main

sys.exit(main())
