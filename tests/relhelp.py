"""Running one test text through the pipeline with a user lexicon written for the test (entities
the extractors may not find yet), shared by the relation tests."""

from __future__ import annotations

from kg.build.document import process_document
from kg.ingest.reader import make_document


def run(text: str, tmp_path=None, lexicon: str = ""):
    """The DocResult of one text; `lexicon` holds `name<TAB>type<TAB>aliases` rows (aliases may be
    left out), written to a user lexicon in tmp_path."""
    lexicons = ()
    if lexicon:
        path = tmp_path / "lex.tsv"
        rows = [(line.split("\t") + ["", ""])[:3] for line in lexicon.strip("\n").split("\n")]
        path.write_text("name\ttype\taliases\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
        lexicons = (str(path),)
    return process_document(make_document(text, path="t.txt"), lexicons)


def relation(text: str, predicate: str, tmp_path=None, lexicon: str = "") -> set[tuple]:
    """(subject, object, rule) of one predicate's facts in one text."""
    result = run(text, tmp_path, lexicon)
    names = {key: ent.name for key, ent in result.entities.items()}
    return {(names[f.subject], names.get(f.object, f.object), f.rule) for f in result.facts if f.predicate == predicate}


def pairs(found: set[tuple]) -> set[tuple]:
    return {(s, o) for s, o, *_ in found}
