"""kg.build.driver.build end to end: golden graph, SHACL conformance, failure isolation, safe output.

The golden graph is tests/golden/graph.ttl, built from tests/golden/corpus/. When extraction
rules change on purpose, regenerate it and review the diff:
    KG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_pipeline.py -k golden
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.errors import InputError
from kg.build import build, discover
from kg.rdf.validate import validate
from kg.rdf.vocab import ENTITY_CLASSES, NS

K = Namespace(NS)
GOLDEN = Path(__file__).parent / "golden"
GOLDEN_CORPUS = GOLDEN / "corpus"
GOLDEN_GRAPH = GOLDEN / "graph.ttl"
BINARY = b"%PDF-1.4\n\x00\x01\x02\x03binary\x00" + bytes(range(256))
GOOD = "兰州新区位于甘肃省兰州市。兰州新区重点发展生物医药产业。\n"


# ---------------------------------------------------------------------------- golden graph


def _describe(term, graphs) -> str:
    """A term in prefixed form, with the label of an opaque IRI when either graph has one."""
    text = term.n3(graphs[0].namespace_manager)
    if isinstance(term, URIRef):
        for g in graphs:
            label = g.value(term, RDFS.label) or g.value(term, K.sourceFile)
            if label is not None:
                return f"{text} ({label})"
    return text


def graph_diff_text(expected: Graph, actual: Graph, limit: int = 80) -> str | None:
    """None when isomorphic, else the missing (-) and unexpected (+) triples, entities first."""
    from rdflib.compare import graph_diff, to_isomorphic

    iso_e, iso_a = to_isomorphic(expected), to_isomorphic(actual)
    if iso_e == iso_a:
        return None
    _, only_e, only_a = graph_diff(iso_e, iso_a)
    graphs = (expected, actual)
    rows = []
    for sign, part in (("-", only_e), ("+", only_a)):
        for s, p, o in part:
            evidence = (s, RDF.type, K.Evidence) in expected or (s, RDF.type, K.Evidence) in actual
            rows.append(((evidence, s, sign, p, o),
                         f"{sign} {_describe(s, graphs)} {_describe(p, graphs)} {_describe(o, graphs)}"))
    lines = [line for _, line in sorted(rows)]
    more = f"\n... and {len(lines) - limit} more" if len(lines) > limit else ""
    return (f"{len(only_e)} triples missing (-), {len(only_a)} unexpected (+):\n" + "\n".join(lines[:limit]) + more)


def test_golden_graph(tmp_path):
    report = build([GOLDEN_CORPUS], tmp_path / "out")
    actual = Graph().parse(report.output, format="turtle")
    if os.environ.get("KG_UPDATE_GOLDEN") == "1":
        GOLDEN_GRAPH.write_bytes(Path(report.output).read_bytes())
        pytest.skip(f"regenerated {GOLDEN_GRAPH}")
    if not GOLDEN_GRAPH.exists():
        pytest.fail(f"{GOLDEN_GRAPH} is missing; create it with KG_UPDATE_GOLDEN=1")
    expected = Graph().parse(GOLDEN_GRAPH, format="turtle")
    diff = graph_diff_text(expected, actual)
    if diff is not None:
        pytest.fail(f"the graph built from {GOLDEN_CORPUS} differs from {GOLDEN_GRAPH}; if the change is "
                    f"intended, regenerate it with KG_UPDATE_GOLDEN=1 and review the diff.\n{diff}", pytrace=False)


def test_graph_diff_text_reports_changes():
    g = Graph().parse(GOLDEN_GRAPH, format="turtle")
    assert graph_diff_text(g, g) is None
    h = Graph()
    for t in g:
        h.add(t)
    zone = next(g.subjects(RDF.type, K.Zone))
    h.remove((zone, RDFS.label, None))
    h.add((zone, RDFS.label, Literal("错误名称", lang="zh")))
    text = graph_diff_text(g, h)
    assert text.startswith("1 triples missing (-), 1 unexpected (+)")
    assert "- <" in text and "+ <" in text and "错误名称" in text


def test_golden_corpus_covers_the_stages():
    """The golden graph exercises each stage: metadata, traditional source, aliases, relations."""
    g = Graph().parse(GOLDEN_GRAPH, format="turtle")
    docs = list(g.subjects(RDF.type, K.Document))
    assert len(docs) == 2
    assert {str(g.value(d, K.sourceScript)) for d in docs} == {"simplified", "traditional"}
    assert all(g.value(d, URIRef("http://purl.org/dc/terms/date")) is not None for d in docs)
    classes = {c for c in ENTITY_CLASSES if list(g.subjects(RDF.type, K[c]))}
    assert {"Zone", "Region", "Enterprise", "Official", "Industry"} <= classes
    assert list(g.subjects(RDF.type, K.Evidence))


# ---------------------------------------------------------------------------- SHACL


@pytest.fixture(scope="module")
def seed_validation(seed_build):
    return validate(seed_build.graph_path)


def test_seed_build_conforms(seed_validation):
    examples = "\n".join(f"{v.focus} {v.path}: {v.message}" for v in seed_validation.examples(10))
    assert seed_validation.conforms, examples
    assert seed_validation.violations == 0


def test_golden_graph_conforms():
    assert validate(GOLDEN_GRAPH).conforms


def _first(g, cls):
    return sorted(g.subjects(RDF.type, K[cls]))[0]


def _drop_label(g):
    s = _first(g, "Enterprise")
    g.remove((s, RDFS.label, None))
    return s


def _second_label(g):
    s = _first(g, "Zone")
    g.add((s, RDFS.label, Literal("另一个名字", lang="zh")))
    return s


def _located_in_industry(g):
    s = _first(g, "Enterprise")
    g.add((s, K.locatedIn, _first(g, "Industry")))
    return s


def _evidence_without_rule(g):
    s = _first(g, "Evidence")
    g.remove((s, K.rule, None))
    return s


def _no_mention(g):
    s = _first(g, "Region")
    g.remove((s, K.mentionedIn, None))
    return s


@pytest.mark.parametrize("mutate", [_drop_label, _second_label, _located_in_industry, _evidence_without_rule,
                                    _no_mention], ids=lambda f: f.__name__.strip("_"))
def test_mutated_graph_does_not_conform(mutate):
    g = Graph().parse(GOLDEN_GRAPH, format="turtle")
    focus = mutate(g)
    result = validate(g)
    assert not result.conforms
    assert result.violations >= 1
    assert focus.n3() in {v.focus for v in result.results}


# ---------------------------------------------------------------------------- discovery


def test_discover_sorted_text_files_only(write_corpus):
    folder = write_corpus({"b.txt": GOOD, "a.txt": GOOD, "c.md": GOOD, ".hidden.txt": GOOD, "UPPER.TXT": GOOD})
    (folder / "sub").mkdir()
    (folder / "sub" / "d.txt").write_text(GOOD, encoding="utf-8")
    names = [rel for _, rel in discover([folder])]
    assert names == ["corpus/UPPER.TXT", "corpus/a.txt", "corpus/b.txt", "corpus/sub/d.txt"]


def test_discover_missing_path(tmp_path):
    with pytest.raises(InputError) as err:
        discover([tmp_path / "missing"])
    assert str(tmp_path / "missing") in str(err.value)


def test_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no files of a kind kg reads"):
        build([tmp_path / "empty"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------- failure isolation


def test_bad_document_among_good_ones(write_corpus, tmp_path):
    folder = write_corpus({"a.txt": GOOD, "b.txt": BINARY, "c.txt": "滨海新区重点发展集成电路产业。\n", "d.txt": b""})
    report = build([folder], tmp_path / "out")
    assert report.documents == 2
    failed = dict(report.failed)
    assert set(failed) == {str(folder / "b.txt"), str(folder / "d.txt")}
    assert re.search("binary|not a text file", failed[str(folder / "b.txt")])
    assert "empty" in failed[str(folder / "d.txt")]
    g = Graph().parse(report.output, format="turtle")
    assert {str(o) for o in g.objects(None, K.sourceFile)} == {"corpus/a.txt", "corpus/c.txt"}


def test_progress_reports_every_file(write_corpus, tmp_path):
    folder = write_corpus({"a.txt": GOOD, "b.txt": BINARY, "c.txt": GOOD})
    calls = []
    build([folder], tmp_path / "out", progress=calls.append)
    assert [(p.done, p.total, p.rel, p.status) for p in calls] == [
        (1, 3, "corpus/a.txt", "processed"), (2, 3, "corpus/b.txt", "failed"), (3, 3, "corpus/c.txt", "processed")]
    sizes = [len(GOOD.encode()), len(BINARY), len(GOOD.encode())]
    assert [(p.bytes_done, p.bytes_total) for p in calls] == [(sizes[0], sum(sizes)), (sizes[0] + sizes[1], sum(sizes)),
                                                              (sum(sizes), sum(sizes))]


def test_nothing_written_when_all_inputs_are_bad(write_corpus, tmp_path):
    folder = write_corpus({"a.txt": BINARY, "b.txt": b"   \n"})
    with pytest.raises(InputError) as err:
        build([folder], tmp_path / "out")
    assert "no document could be read" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_strict_stops_at_the_bad_file(write_corpus, tmp_path):
    folder = write_corpus({"a.txt": GOOD, "b.txt": BINARY})
    with pytest.raises(InputError) as err:
        build([folder], tmp_path / "out", strict=True)
    assert str(folder / "b.txt") in str(err.value)
    assert not (tmp_path / "out").exists()


@pytest.fixture
def previous_output(tmp_path):
    """An output folder holding a previous graph and a file kg did not write."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_bytes(b"# previous graph\n")
    (out / "notes.txt").write_bytes(b"mine")
    return out


def _intact(out: Path):
    assert (out / "graph.ttl").read_bytes() == b"# previous graph\n"
    assert (out / "notes.txt").read_bytes() == b"mine"
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl", "notes.txt"]  # no temporary files left


def test_failed_build_keeps_previous_output(write_corpus, previous_output):
    folder = write_corpus({"a.txt": BINARY})
    with pytest.raises(InputError):
        build([folder], previous_output)
    _intact(previous_output)
    good = write_corpus({"a.txt": GOOD, "b.txt": BINARY}, folder="mixed")
    with pytest.raises(InputError):
        build([good], previous_output, strict=True)
    _intact(previous_output)


def test_interrupted_build_keeps_previous_output(write_corpus, previous_output):
    folder = write_corpus({"a.txt": GOOD, "b.txt": GOOD})

    def interrupt(progress):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build([folder], previous_output, progress=interrupt)
    _intact(previous_output)


def test_failed_write_keeps_previous_output(write_corpus, previous_output, monkeypatch):
    import kg.fsutil

    folder = write_corpus({"a.txt": GOOD})

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.fsutil.os, "fsync", disk_full)
    with pytest.raises(OSError):
        build([folder], previous_output)
    _intact(previous_output)


def test_successful_build_replaces_only_its_own_file(write_corpus, previous_output):
    folder = write_corpus({"a.txt": GOOD})
    report = build([folder], previous_output)
    assert Path(report.output) == previous_output / "graph.ttl"
    assert (previous_output / "notes.txt").read_bytes() == b"mine"
    assert sorted(p.name for p in previous_output.iterdir()) == ["graph.ttl", "notes.txt"]
    Graph().parse(report.output, format="turtle")


def test_bad_user_lexicon_fails_before_any_output(write_corpus, tmp_path):
    from kg.errors import DataFileError

    folder = write_corpus({"a.txt": GOOD})
    lexicon = tmp_path / "mine.tsv"
    lexicon.write_text("name\ttype\n甲乙\tEnterprise\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        build([folder], tmp_path / "out", lexicons=[lexicon])
    assert str(lexicon) in str(err.value)
    assert not (tmp_path / "out").exists()
