"""The records that flow through the pipeline, all in one place.

Mention level (one document): a `Document` with its `Sentence`s, and the candidate `Span`s the
extractors find in it. Every span is a character range into `Document.text` (the normalised
text), so `doc.text[span.start:span.end] == span.text` always holds.

Entity level (after resolution): an `Entity` is one thing (one node of the graph), keyed by its
type and folded name; a `Fact` is a relation between entities (or an entity and a literal) with
the evidence that states it; a `DocResult` is everything one document contributes.

Words used throughout (see the README's glossary): `type` is an entity class (Zone, Region, ...),
`name` the canonical name, `rule` the id of the rule that produced a span or fact, `focal zone`
the zone a document is about.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from .text import fold_name

ENTITY_TYPES = ("Zone", "Region", "Enterprise", "Organization", "Official", "Industry", "Project")
RELATIONS = ("locatedIn", "developsIndustry", "inIndustry", "holdsPost", "servesIn", "cooperatesWith")


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
    type: str             # entity class local name (Zone, Region, ...)
    rule: str             # id of the rule that produced it
    priority: int = 0     # breaks ties between equally long overlapping spans
    canonical: str = ""   # normalised name (industry concept, region full name, ...)
    sid: int = -1         # index of the sentence it lies in

    @property
    def name(self) -> str:
        return self.canonical or self.text


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
    kind: str = "text"             # the reader that read it: text, html, pdf, docx (kg.ingest.formats)
    pages: list[int] = field(default_factory=list)  # paged documents (PDF): where each page starts in `text`,
    #                              one offset per page, sorted (a page without text starts where the next one does)

    def original_spelling(self, start: int, end: int) -> str:
        return self.original[start:end]

    def page_at(self, offset: int) -> int | None:
        """The page (from 1) that the character at `offset` of `text` is on; None if not paged."""
        return bisect_right(self.pages, offset) if self.pages else None


EntityKey = tuple[str, str]  # (type, folded name)


@dataclass
class Entity:
    """One thing: its type, canonical name, other names, and where it was found."""

    type: str
    name: str
    aliases: set[str] = field(default_factory=set)
    originals: set[str] = field(default_factory=set)   # spellings in the document's own script
    docs: set[str] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)

    @property
    def key(self) -> EntityKey:
        return (self.type, fold_name(self.name))

    def absorb(self, other: "Entity") -> None:
        """Take in what another record of the same thing knows: its names, spellings, documents, rules."""
        self.aliases |= other.aliases
        self.originals |= other.originals
        self.docs |= other.docs
        self.rules |= other.rules


@dataclass
class Fact:
    """An entity-level relation with its evidence: the document, sentence and rule that state it."""

    subject: EntityKey
    predicate: str
    object: EntityKey | str            # entity key, or a literal (holdsPost)
    rule: str
    doc: str
    sent_start: int
    sent_end: int
    sentence: str
    page: int | None = None            # page the sentence starts on, for paged documents (PDF)

    def remap(self, keys: dict) -> None:
        """Point subject and object at the entities they were merged into (`keys`: old key -> final key)."""
        self.subject = keys.get(self.subject, self.subject)
        if isinstance(self.object, tuple):
            self.object = keys.get(self.object, self.object)


@dataclass
class DocResult:
    """Everything one document contributes; picklable, so documents can be processed in parallel."""

    rel_path: str
    sha256: str
    encoding: str
    script: str
    metadata: dict
    sentences: int
    entities: dict[EntityKey, Entity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    focal: EntityKey | None = None

    def record(self) -> dict:
        """What the graph says about the document itself (its node): path, hash, encoding, script, metadata."""
        return {"rel_path": self.rel_path, "sha256": self.sha256, "encoding": self.encoding, "script": self.script,
                "metadata": self.metadata}

    def relabel(self, rel_path: str) -> "DocResult":
        """The result of the same bytes under another name (a renamed or copied file)."""
        old = self.rel_path
        if old != rel_path:
            self.rel_path = rel_path
            move_doc(self.entities, old, rel_path)
            for f in self.facts:
                if f.doc == old:
                    f.doc = rel_path
        return self


def move_doc(entities: dict, old: str, new: str) -> None:
    """Entities found in document `old` are found in `new` instead (the same bytes under another name)."""
    if old == new:
        return
    for ent in entities.values():
        if old in ent.docs:
            ent.docs.discard(old)
            ent.docs.add(new)
