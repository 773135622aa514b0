"""Loaded only into the worker processes of tests/closet/test_ideas_worker.py (``-I tests.closet.worker_hooks``).

The first attempt at a job hangs in the engine (long enough to be killed mid-job); later attempts run the real
engine. Which attempt this is, is remembered in a marker file named by SESIOCLOSET_TEST_MARKER.
"""

import os
import time
from pathlib import Path

from closet.services import ideas

_real_engine = ideas.outfit_ideas


def _first_attempt_hangs(*args, **kwargs):
    marker = Path(os.environ["SESIOCLOSET_TEST_MARKER"])
    if not marker.exists():
        marker.write_text("the first attempt started")
        time.sleep(300)
    return _real_engine(*args, **kwargs)


ideas.outfit_ideas = _first_attempt_hangs
