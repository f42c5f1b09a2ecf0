"""kg.extract.match: the one overlap policy (longest, then priority, then earliest) and the gazetteer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.match import Gazetteer, filter_spans
from kg.model import Span

TEXT = "甘肃省兰州市兰州新区科技有限公司"


def sp(start, end, priority=0, label="Zone", rule="t"):
    return Span(start, end, TEXT[start:end], label, rule, priority=priority)


def keep(spans):
    return [(s.start, s.end) for s in filter_spans(spans)]


@pytest.mark.parametrize("spans, kept", [
    ([], []),
    ([sp(0, 3)], [(0, 3)]),
    # longest wins over priority
    ([sp(0, 4, priority=0), sp(2, 5, priority=99)], [(0, 4)]),
    ([sp(2, 5, priority=99), sp(0, 4, priority=0)], [(0, 4)]),
    # equal length: higher priority wins over earlier
    ([sp(0, 3, priority=1), sp(1, 4, priority=5)], [(1, 4)]),
    # equal length and priority: earliest wins
    ([sp(1, 4), sp(0, 3)], [(0, 3)]),
    # nested: the outer span
    ([sp(1, 3, priority=99), sp(0, 6)], [(0, 6)]),
    # a chain of overlaps: the first and the third survive
    ([sp(4, 7), sp(2, 5), sp(0, 3)], [(0, 3), (4, 7)]),
    # adjacent spans do not overlap
    ([sp(3, 6), sp(0, 3), sp(6, 10)], [(0, 3), (3, 6), (6, 10)]),
    # identical ranges: one survives
    ([sp(0, 3, label="Region"), sp(0, 3, label="Zone")], [(0, 3)]),
])
def test_filter_spans_policy(spans, kept):
    assert keep(spans) == kept


def test_identical_ranges_prefer_priority():
    a = sp(0, 3, priority=10, label="Region")
    b = sp(0, 3, priority=50, label="Zone")
    assert filter_spans([a, b]) == [b]
    assert filter_spans([b, a]) == [b]


spans_st = st.lists(
    st.tuples(st.integers(0, 14), st.integers(1, 6), st.integers(0, 3), st.sampled_from(["Zone", "Region"])).map(
        lambda t: sp(t[0], min(t[0] + t[1], len(TEXT)), priority=t[2], label=t[3])),
    max_size=12)


def _reference_filter(spans):
    """The policy written the obvious (quadratic) way."""
    from kg.extract.match import span_key

    taken = []
    for s in sorted(spans, key=span_key):
        if not any(s.start < t.end and t.start < s.end for t in taken):
            taken.append(s)
    return sorted(taken, key=lambda s: (s.start, s.end))


@settings(max_examples=200, deadline=None)
@given(spans_st)
def test_filter_spans_properties(spans):
    out = filter_spans(spans)
    # sorted, non-overlapping, a subset of the input, and independent of input order
    assert out == sorted(out, key=lambda s: (s.start, s.end))
    assert all(a.end <= b.start for a, b in zip(out, out[1:]))
    assert all(s in spans for s in out)
    assert filter_spans(list(reversed(spans))) == out
    assert out == _reference_filter(spans)
    # every dropped span overlaps a kept one that is at least as long
    for s in spans:
        if s not in out:
            assert any(k.start < s.end and s.start < k.end and k.end - k.start >= s.end - s.start for k in out)


def test_gazetteer_offsets_on_cjk():
    gaz = Gazetteer(["兰州", "兰州新区", "新区", "甘肃省", ""])
    text = "在甘肃省兰州新区和新区"
    hits = gaz.find(text)
    assert hits == [("甘肃省", 1, 4), ("兰州新区", 4, 8), ("新区", 9, 11)]
    assert all(text[s:e] == surface for surface, s, e in hits)


@pytest.mark.parametrize("prefix", ["😀", "ａ", "e\u0301", "𠀀", "\n"])
def test_gazetteer_offsets_are_characters(prefix):
    gaz = Gazetteer(["兰州新区"])
    text = prefix + "兰州新区"
    [(surface, s, e)] = gaz.find(text)
    assert text[s:e] == "兰州新区"
    assert s == len(prefix)


def test_gazetteer_window_offsets_are_absolute():
    gaz = Gazetteer(["兰州", "兰州新区", "新区"])
    text = "xx兰州新区yy新区"
    assert gaz.find(text, 3) == [("新区", 4, 6), ("新区", 8, 10)]
    assert gaz.find(text, 0, 5) == [("兰州", 2, 4)]
    assert gaz.find(text, 2, 6) == [("兰州新区", 2, 6)]
