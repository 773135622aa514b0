"""docs/promises.md is kept honest: an implemented promise has a test that carries its ID."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REGISTER = ROOT / "docs" / "promises.md"
SHARED_REGISTER = ROOT.parent / "shared" / "PROMISES.md"
ROW = re.compile(r"^\| ([A-Z]{2,3}-\d+) \|(?:[^|]*\|){2} (planned|implemented|[^|]*?) \|", re.M)


def _register() -> dict[str, str]:
    return dict(ROW.findall(REGISTER.read_text(encoding="utf-8")))


def _marked_ids() -> dict[str, set[str]]:
    """Promise IDs named in ``promise(...)`` markers anywhere in tests/, with the files naming them."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "tests").rglob("test*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name != "promise":
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_status_is_planned_or_implemented():
    statuses = _register()
    assert statuses, "docs/promises.md lists no promise"
    assert set(statuses.values()) <= {"planned", "implemented"}, statuses


def test_every_implemented_promise_has_a_test_carrying_its_id():
    marked = _marked_ids()
    untested = [pid for pid, status in _register().items() if status == "implemented" and pid not in marked]
    assert not untested, f"marked implemented in docs/promises.md but no test carries the ID: {untested}"


def test_every_marker_names_a_promise_that_exists():
    unknown = set(_marked_ids()) - set(_register())
    assert not unknown, f"tests mark promises that docs/promises.md does not list: {unknown}"


def test_the_register_lists_exactly_the_shared_promises():
    if not SHARED_REGISTER.exists():
        pytest.skip("../shared/PROMISES.md is not beside this checkout")
    shared = set(re.findall(r"^\| ([A-Z]{2,3}-\d+) \|", SHARED_REGISTER.read_text(encoding="utf-8"), re.M))
    assert set(_register()) == shared
