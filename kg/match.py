"""Matching primitives: the one overlap policy, and character-level gazetteers."""

from __future__ import annotations

from typing import Iterable

from .model import Span


def span_key(span: Span):
    """Longest match first, then higher priority, then earliest."""
    return (-(span.end - span.start), -span.priority, span.start, span.label, span.rule)


def filter_spans(spans: Iterable[Span]) -> list[Span]:
    """Keep non-overlapping spans: longest, then priority, then earliest (like spaCy's filter_spans)."""
    taken: list[Span] = []
    occupied: list[tuple[int, int]] = []
    for span in sorted(spans, key=span_key):
        if any(span.start < e and s < span.end for s, e in occupied):
            continue
        taken.append(span)
        occupied.append((span.start, span.end))
    return sorted(taken, key=lambda s: (s.start, s.end))


class Gazetteer:
    """Leftmost-longest Aho-Corasick over characters (ahocorasick-rs), built once per lexicon."""

    def __init__(self, surfaces: Iterable[str]):
        import ahocorasick_rs

        self.patterns = sorted(set(s for s in surfaces if s))
        self._ac = ahocorasick_rs.AhoCorasick(self.patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
        """(surface, start, end) matches in text[start:end], offsets absolute."""
        chunk = text[start:end]
        return [(self.patterns[i], start + s, start + e) for i, s, e in self._ac.find_matches_as_indexes(chunk)]
