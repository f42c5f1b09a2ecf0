"""Every function stays small enough to hold in one's head: cyclomatic complexity under 25
(radon), printed for the largest functions so a review sees where it grows."""

from __future__ import annotations

from pathlib import Path

import pytest

KG = Path(__file__).resolve().parents[1] / "kg"
LIMIT = 25


def _blocks():
    radon = pytest.importorskip("radon.complexity", reason="radon is in the [test] extra")
    out = []
    for path in sorted(KG.rglob("*.py")):
        for block in radon.cc_visit(path.read_text(encoding="utf-8")):
            items = [block, *getattr(block, "methods", [])]
            for b in items:
                out.append((b.complexity, f"{path.relative_to(KG.parent)}:{b.lineno} {b.fullname}"))
    return sorted(out, reverse=True)


def test_no_function_reaches_the_complexity_limit(capsys):
    blocks = _blocks()
    with capsys.disabled():
        print("\nlargest cyclomatic complexity:", "; ".join(f"{name} {cc}" for cc, name in blocks[:5]))
    assert blocks and blocks[0][0] < LIMIT, [b for b in blocks if b[0] >= LIMIT]


def test_the_measure_sees_a_complex_function():
    radon = pytest.importorskip("radon.complexity")
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(30))
    (block,) = radon.cc_visit(f"def f(x):\n{branches}\n    return -1\n")
    assert block.complexity >= LIMIT
