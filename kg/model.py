"""The records that flow through the pipeline: one Document, its sentences, spans and facts.

Every span is a character range into `Document.text` (the normalised text), so
`doc.text[span.start:span.end] == span.text` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Span:
    """A candidate mention: where, what type, which rule found it and how much to trust it."""

    start: int
    end: int
    text: str
    label: str            # entity class local name (Zone, Region, ...)
    rule: str             # id of the rule that produced it
    priority: int = 0     # breaks ties between equally long overlapping spans
    canonical: str = ""   # normalised name (industry concept, region full name, ...)
    sid: int = -1         # index of the sentence it lies in

    @property
    def name(self) -> str:
        return self.canonical or self.text


@dataclass(frozen=True, slots=True)
class Fact:
    """A relation between two mentions (or a mention and a literal), with its evidence."""

    subject: Span
    predicate: str
    object: Span | str
    rule: str
    sid: int


@dataclass(slots=True)
class Document:
    """One input text after ingest. `text` is normalised (simplified script, half-width)."""

    path: str                      # as given on the command line
    rel_path: str                  # relative to the input root; stable across machines
    sha256: str
    encoding: str
    text: str
    original: str                  # same length as text, in the document's own script
    script: str = "simplified"     # or "traditional"
    sentences: list[Sentence] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    dropped_lines: int = 0

    def original_spelling(self, start: int, end: int) -> str:
        return self.original[start:end]
