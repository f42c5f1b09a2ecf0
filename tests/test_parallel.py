"""Parallel and streaming build: the same bytes for any number of workers, any input order, and
whether the results and the graph fit in memory or spill to disk."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import build, discover, document, merge
from kg.build.document import process_path
from kg.build.merge import EntityTable
from kg.build.timing import STAGES
from kg.errors import InputError
from kg.extract.resources import load_resources
from kg.rdf.writer import GraphBuilder, SpoolingGraphBuilder

from conftest import copy_seeds
from oracles import graph_turtle

EXTRA = {
    "x1.txt": "华泰新区位于甘肃省兰州市。华泰新区重点发展生物医药产业。总经理王小明说,恒瑞科技有限公司落户华泰新区。\n",
    "x2.txt": "滨海新区重点发展集成电路产业。天津恒瑞科技有限公司与滨海新区管委会签署合作协议。\n",
}
BINARY = b"%PDF-1.4\n\x00\x01\x02binary" + bytes(range(256))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds plus two small documents that share entities with each other, in subfolders."""
    root = tmp_path_factory.mktemp("par") / "corpus"
    copy_seeds(root / "seeds")
    (root / "more").mkdir()
    for name, text in EXTRA.items():
        (root / "more" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> bytes:
    """The graph built in this process, one document after another."""
    report = build([corpus], tmp_path_factory.mktemp("ref"), jobs=1)
    return Path(report.output).read_bytes()


def test_two_workers_give_the_same_bytes(corpus, reference, tmp_path):
    report = build([corpus], tmp_path, jobs=2)
    assert Path(report.output).read_bytes() == reference
    assert report.documents == 7 and report.extracted == 7


def test_input_order_does_not_matter(corpus, reference, tmp_path):
    files = [p for p, _ in discover([corpus])]
    random.Random(3).shuffle(files)
    # the same files named one by one: their names lose the folder, so compare two shuffles
    a = build(files, tmp_path / "a", jobs=2)
    random.Random(4).shuffle(files)
    b = build(files, tmp_path / "b", jobs=1)
    assert Path(a.output).read_bytes() == Path(b.output).read_bytes()
    assert a.triples > 0


def test_streaming_writer_matches_the_in_memory_graph(corpus, reference, tmp_path, monkeypatch):
    """Results spooled to a file and the graph spilled in partitions: still the reference bytes,
    which are also what the all-in-memory `graph_turtle` gives."""
    monkeypatch.setattr(merge, "SPOOL_BYTES", 1000)
    monkeypatch.setattr(merge, "GRAPH_BUFFER_CHARS", 2000)
    report = build([corpus], tmp_path / "out", jobs=1)
    assert Path(report.output).read_bytes() == reference
    results = [process_path(p, rel) for p, rel in discover([corpus])]
    ttl, stats = graph_turtle(results)
    assert ttl.encode("utf-8") == reference
    assert stats["triples"] == report.triples and stats["entities"] == report.entities
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["graph.ttl"]  # spill files removed


def complete() -> tuple:
    from kg.resolve.corpus import complete_suffixes

    return complete_suffixes(load_resources().lexicon)


def test_entity_table_is_order_independent():
    """Results folded in any order merge like the oracle's fold over path-sorted results."""
    import copy

    from kg.build.document import process_document
    from kg.ingest.reader import make_document
    from oracles import merge as oracle_merge

    texts = {"b.txt": "恒瑞科技有限公司落户华泰新区。", "a.txt": "恒瑞科技有限公司位于华泰新区。恒瑞重点发展生物医药产业。",
             "c.txt": "恒瑞科技与华泰新区合作。"}
    results = [process_document(make_document(t, rel_path=n)) for n, t in texts.items()]
    expected, _ = oracle_merge(copy.deepcopy(results))
    for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2]):
        table = EntityTable()
        for i in order:
            table.add(results[i].rel_path, copy.deepcopy(results[i].entities))
        merged, remap = table.merge(complete())
        assert {k: (e.name, e.aliases, e.docs, e.rules) for k, e in merged.items()} == \
               {k: (e.name, e.aliases, e.docs, e.rules) for k, e in expected.items()}
        assert all(dst in merged for dst in remap.values())


@pytest.mark.parametrize("seed", range(6))
def test_entity_table_merge_equals_the_oracle_on_many_prefixes(seed):
    """The corpus merge gives what the oracle's plain fold gives, and the short-name join (binary
    search) what a pairwise scan gives, on names built from a few characters so that many are
    prefixes of others."""
    import copy

    from kg.model import DocResult, Entity, Fact
    from kg.resolve.corpus import join_short_names
    from kg.text import fold_name
    from oracles import merge as oracle_merge

    rng = random.Random(seed)
    chars, tails = "恒瑞科技华泰宏远", ["", "", "", "有限公司", "集团", "研究院"]

    def doc(i: int) -> DocResult:
        ents = {}
        for _ in range(rng.randint(5, 40)):
            label = rng.choice(["Enterprise", "Enterprise", "Organization", "Zone"])
            name = "".join(rng.choice(chars) for _ in range(rng.randint(1, 5))) + rng.choice(tails)
            key = (label, fold_name(name))
            ent = ents.setdefault(key, Entity(label, name))
            ent.docs.add(f"d{i:03d}.txt")
            ent.rules.add(rng.choice(["r1", "r2"]))
            if rng.random() < 0.3:
                ent.aliases.add(name + "公司")
        keys = list(ents)
        facts = [Fact(rng.choice(keys), "locatedIn", rng.choice(keys), "r", f"d{i:03d}.txt", 0, 1, "s")
                 for _ in range(5)]
        return DocResult(f"d{i:03d}.txt", "", "utf-8", "simplified", {}, 1, ents, facts)

    docs = [doc(i) for i in range(30)]
    expected, facts = oracle_merge(copy.deepcopy(docs))
    table = EntityTable()
    for r in rng.sample(docs, len(docs)):
        table.add(r.rel_path, copy.deepcopy(r.entities))
    merged, remap = table.merge(complete())
    assert {k: (e.name, e.aliases, e.originals, e.docs, e.rules) for k, e in merged.items()} == \
           {k: (e.name, e.aliases, e.originals, e.docs, e.rules) for k, e in expected.items()}
    mapped = [(remap.get(f.subject, f.subject), remap.get(f.object, f.object)) for r in docs for f in r.facts]
    assert mapped == [(f.subject, f.object) for f in facts]
    assert remap and len(expected) < len({k for r in docs for k in r.entities})  # some names were joined
    # both merges share join_short_names: check its binary search against the plain pairwise scan
    suffixes = complete()
    before = EntityTable()
    for r in docs:
        before.add(r.rel_path, copy.deepcopy(r.entities))
    pairwise = {}
    for label in ("Enterprise", "Organization"):
        group = [e for e in before.entities.values() if e.type == label]
        for short in group:
            longer = [e for e in group if e is not short and len(e.name) > len(short.name)
                      and e.name.startswith(short.name)]
            if len(short.name) >= 2 and not short.name.endswith(suffixes) and len(longer) == 1:
                pairwise[short.key] = longer[0].key
    assert join_short_names(before.entities, suffixes) == pairwise


def _random_graph(rng: random.Random, builder: GraphBuilder) -> None:
    kinds = ["zone", "org", "enterprise", "doc", "official"]
    for _ in range(600):
        kind = rng.choice(kinds)
        s = f"https://example.org/my-base/{kind}-{rng.getrandbits(24):06x}"
        if rng.random() < 0.3:
            s = f"<https://example.org/my-base/ev-{rng.getrandbits(24):06x}>"
        for _ in range(rng.randint(1, 4)):
            builder.add(s, rng.choice(["a", "rdfs:label", "kg:rule", "skos:altLabel"]),
                        rng.choice(['"甲"@zh', '"乙\\n丙"@zh', "kg:Zone", "12", '"x\\ty"']))


@pytest.mark.parametrize("buffer_chars", [10**9, 500])
def test_spooling_builder_writes_graph_builder_bytes(tmp_path, buffer_chars):
    ref, spooled = GraphBuilder(), SpoolingGraphBuilder(spool_dir=tmp_path, buffer_chars=buffer_chars, fanout=1)
    _random_graph(random.Random(7), ref)
    _random_graph(random.Random(7), spooled)
    assert spooled.turtle() == ref.turtle()
    assert len(spooled) == len(ref)
    if buffer_chars == 500:
        assert list(tmp_path.iterdir())  # it did spill


def test_spooling_builder_falls_back_when_partitions_are_not_in_order(tmp_path):
    """Subjects whose part before the last `-` is a prefix of another's: one sorted partition."""
    ref, spooled = GraphBuilder(), SpoolingGraphBuilder(spool_dir=tmp_path, buffer_chars=10)
    for s in ["https://e.org/A-1234", "https://e.org/A-12-5678", "https://e.org/A-0", "https://e.org/B"]:
        ref.add(s, "a", "kg:Zone")
        spooled.add(s, "a", "kg:Zone")
    assert spooled.turtle() == ref.turtle()


def test_failures_with_workers_match_in_process(write_corpus, tmp_path):
    folder = write_corpus({"a.txt": EXTRA["x1.txt"], "b.txt": BINARY, "c.txt": EXTRA["x2.txt"], "d.txt": b""})
    one = build([folder], tmp_path / "one", jobs=1)
    two = build([folder], tmp_path / "two", jobs=2)
    assert sorted(one.failed) == sorted(two.failed)
    assert {Path(p).name for p, _ in two.failed} == {"b.txt", "d.txt"}
    assert Path(one.output).read_bytes() == Path(two.output).read_bytes()


def test_strict_with_workers_raises_and_writes_nothing(write_corpus, tmp_path):
    folder = write_corpus({"a.txt": EXTRA["x1.txt"], "b.txt": BINARY, "c.txt": EXTRA["x2.txt"]})
    with pytest.raises(InputError) as err:
        build([folder], tmp_path / "out", jobs=2, strict=True)
    assert "b.txt" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_progress_counts_every_file_with_workers(corpus, tmp_path):
    calls = []
    build([corpus], tmp_path, jobs=2, progress=calls.append)
    assert [p.done for p in calls] == list(range(1, 8))
    assert {p.total for p in calls} == {7}
    assert sorted(p.rel for p in calls) == [rel for _, rel in discover([corpus])]
    sizes = {rel: path.stat().st_size for path, rel in discover([corpus])}
    assert [p.bytes_done for p in calls] == list(__import__("itertools").accumulate(sizes[p.rel] for p in calls))
    assert {p.bytes_total for p in calls} == {sum(sizes.values())}


@pytest.mark.parametrize("jobs", [1, 2])
def test_timed_build_reports_every_stage(corpus, tmp_path, jobs):
    report = build([corpus], tmp_path, jobs=jobs, timing=True)
    assert set(report.stages) == set(STAGES)
    for stage in STAGES:
        assert report.stages[stage] > 0, stage
    assert build([corpus], tmp_path, jobs=jobs).stages == {}


def test_timing_leaves_the_tokeniser_alone(corpus, tmp_path):
    """Segmentation is timed through the build's own contexts: rjieba itself is not replaced."""
    import rjieba

    tag = rjieba.tag
    build([corpus], tmp_path, jobs=1, timing=True)
    assert rjieba.tag is tag


@pytest.mark.parametrize("jobs", [1, 2])
def test_worker_bug_skips_the_document_and_names_it(corpus, reference, tmp_path, monkeypatch, jobs):
    """An unexpected error (a bug, not a bad input) hit by one document skips that document with
    its name, the exception type and message on one line; the others are built."""
    real = document.process_document

    def flaky(doc, *args):
        if "恒瑞科技" in doc.text:
            raise KeyError("line one\nline two")
        return real(doc, *args)

    monkeypatch.setattr(document, "process_document", flaky)
    report = build([corpus], tmp_path / "out", jobs=jobs)
    assert [(Path(p).name, m) for p, m in report.failed] == [
        ("x1.txt", f"{corpus / 'more' / 'x1.txt'}: internal error KeyError: 'line one\\nline two'"),
        ("x2.txt", f"{corpus / 'more' / 'x2.txt'}: internal error KeyError: 'line one\\nline two'")]
    assert report.documents == 5
    ttl = Path(report.output).read_text(encoding="utf-8")
    assert "恒瑞" not in ttl and ttl != reference.decode("utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_worker_bug_in_every_document(corpus, tmp_path, monkeypatch, jobs):
    """When every document hits the bug nothing is built; with --strict the first one stops the build."""
    def boom(doc, *args):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(document, "process_document", boom)
    with pytest.raises(InputError, match="no document could be read"):
        build([corpus], tmp_path / "a", jobs=jobs)
    with pytest.raises(InputError, match=r"\.txt: internal error ZeroDivisionError: boom$"):
        build([corpus], tmp_path / "b", jobs=jobs, strict=True)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_cli_jobs_option(corpus, reference, tmp_path):
    from kg.cli import main

    runner = CliRunner()
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        result = runner.invoke(main, ["build", str(corpus), "-o", str(out), "-j", jobs])
        assert result.exit_code == 0, result.output
        assert (out / "graph.ttl").read_bytes() == reference
    result = runner.invoke(main, ["build", str(corpus), "-o", str(tmp_path / "x"), "--partitions", "2"])
    assert result.exit_code == 2 and "--engine dask" in result.output
    assert not (tmp_path / "x").exists()


def test_copied_corpus_in_another_folder_name(corpus, tmp_path):
    """Paths are relative to the folder given, so a copy under the same folder name builds the same."""
    copy = tmp_path / "elsewhere" / "corpus"
    shutil.copytree(corpus, copy)
    a = build([corpus], tmp_path / "a", jobs=2)
    b = build([copy], tmp_path / "b", jobs=2)
    assert Path(a.output).read_bytes() == Path(b.output).read_bytes()


def test_stage_times_are_counted_once(corpus, tmp_path):
    """In one process the stages are disjoint stretches of the build, so they add up to at most
    its elapsed time (counting a document's stages twice would exceed it)."""
    import time

    t0 = time.perf_counter()
    report = build([corpus], tmp_path, jobs=1, timing=True)
    elapsed = time.perf_counter() - t0
    assert 0 < sum(report.stages.values()) <= elapsed


def test_resources_travel_by_content(tmp_path):
    """Resources sent to another process (a Dask task) are rebuilt there from the same bytes, and
    refused when the lexicon there is not the same any more."""
    import pickle

    from kg.errors import DataFileError

    lexicon = tmp_path / "my.tsv"
    lexicon.write_text("name\ttype\taliases\n星河智造园\tProject\t\n", encoding="utf-8")
    res = load_resources([lexicon])
    sent = pickle.dumps(res)
    assert len(sent) < 1000  # paths and a fingerprint, not the automata
    assert pickle.loads(sent).lexicon.lookup("星河智造园").type == "Project"
    lexicon.write_text("name\ttype\taliases\n星河智造园\t-\t\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="differ"):
        pickle.loads(sent)
    assert "星河智造园" in load_resources([lexicon]).lexicon.suppressed  # read again, not taken from memory
