"""`kg build --engine dask` on a local Dask cluster: the same Turtle as a local build, N-Quads
shards (one named graph per document) that bulk-load into Oxigraph with the same triples, and
the driver's features (store, page, progress, timing, strict mode) as with any engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.build import build
from kg.rdf.writer import GraphBuilder, nquad, nt_term

from conftest import copy_seeds

EXTRA = {
    "x1.txt": "华泰新区位于甘肃省兰州市。华泰新区重点发展生物医药产业。恒瑞科技有限公司落户华泰新区。\n",
    "x2.txt": "滨海新区重点发展集成电路产业。恒瑞科技有限公司与滨海新区管委会签署合作协议。\n",
    "x3.txt": b"\x00\x01binary\x00" * 10,
}


def test_nt_terms_parse_like_turtle():
    """Every term form GraphBuilder writes becomes the same RDF term in N-Triples."""
    import pyoxigraph as ox

    gb = GraphBuilder()
    s = "https://w3id.org/policykg/id/zone-0123456789abcdef"
    for p, o in [("a", "kg:Zone"), ("rdfs:label", '"兰州\\"新区\\n"@zh'), ("kg:start", "12"),
                 ("dcterms:date", '"2024-05-07"^^xsd:date'), ("kg:rule", '"a\\\\b"'),
                 ("skos:altLabel", '"蘭州新區"@zh-Hant'), ("kg:mentionedIn", "<https://w3id.org/policykg/id/doc-1>")]:
        gb.add(s, p, o)
    ttl = {(q.subject, q.predicate, q.object) for q in ox.parse(input=gb.turtle().encode(), format=ox.RdfFormat.TURTLE)}
    lines = "".join(nquad(s, p, o, "https://e.org/g") for p, objs in gb.triples[s].items() for o in objs)
    quads = list(ox.parse(input=lines.encode(), format=ox.RdfFormat.N_QUADS))
    assert {(q.subject, q.predicate, q.object) for q in quads} == ttl
    assert {q.graph_name.value for q in quads} == {"https://e.org/g"}
    assert nt_term("-3") == '"-3"^^<http://www.w3.org/2001/XMLSchema#integer>'


def test_partitions_are_consecutive_and_balanced(tmp_path):
    from kg.build.cluster import partitions
    from kg.build.executors import Doc

    files = [Doc(tmp_path / f"{i}.txt", f"{i}.txt", size) for i, size in enumerate([10, 10, 10, 10, 40, 10, 10])]
    parts = partitions(files, 3)
    assert [f for part in parts for f in part] == files
    assert len(parts) == 3 and all(parts)
    assert partitions(files[:2], 5) == [[files[0]], [files[1]]]


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as c:
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dist") / "corpus"
    copy_seeds(root / "seeds")
    for name, text in EXTRA.items():
        data = text.encode("utf-8") if isinstance(text, str) else text
        (root / name).write_bytes(data)
    return root


def dask(cluster, **options):
    """Build options for the module's cluster."""
    return {"engine": "dask", "scheduler": cluster.scheduler_address, "partitions": 3, **options}


@pytest.fixture(scope="module")
def dask_build(cluster, corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("dask-out")
    report = build([corpus], out, **dask(cluster))
    return out, report


def test_dask_turtle_equals_local_build(dask_build, corpus, tmp_path):
    out, report = dask_build
    local = build([corpus], tmp_path, jobs=1)
    assert (out / "graph.ttl").read_bytes() == Path(local.output).read_bytes()
    assert report.documents == local.documents == 7
    assert sorted(report.failed) == sorted(local.failed) and len(report.failed) == 1
    assert not [p for p in out.iterdir() if p.name.startswith(".kg-")]  # spool removed


def test_shards_bulk_load_into_oxigraph(dask_build, tmp_path):
    import pyoxigraph as ox

    from kg.build.cluster import load_nquads

    out, report = dask_build
    manifest = json.loads((out / "nquads" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["shards"] == ["entities.nq", "part-00000.nq", "part-00001.nq", "part-00002.nq"]
    n = load_nquads(out / "nquads", tmp_path / "ox")
    assert n == report.quads == manifest["quads"]
    store = ox.Store(str(tmp_path / "ox"))
    union = {(q.subject, q.predicate, q.object) for q in store}
    turtle = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)}
    assert union == turtle
    docs = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                                        ox.NamedNode("https://w3id.org/policykg/ns#Document"), None)}
    assert {g for g in store.named_graphs()} == docs and len(docs) == 7
    # each document's evidence lives in that document's graph
    kg_doc = ox.NamedNode("https://w3id.org/policykg/ns#document")
    assert all(q.graph_name == q.object for q in store.quads_for_pattern(None, kg_doc, None, None))


def test_shards_are_deterministic(cluster, corpus, dask_build, tmp_path):
    out, _ = dask_build
    again = tmp_path / "again"
    build([corpus], again, **dask(cluster))
    for shard in sorted((out / "nquads").glob("*.nq")):
        assert (again / "nquads" / shard.name).read_bytes() == shard.read_bytes(), shard.name
    for shard in (out / "nquads").glob("part-*.nq"):
        lines = shard.read_text(encoding="utf-8").splitlines()
        assert lines == sorted(lines)


def _union_of_shards(nq_dir: Path) -> set:
    import pyoxigraph as ox

    return {(q.subject, q.predicate, q.object) for shard in sorted(nq_dir.glob("*.nq"))
            for q in ox.parse(path=str(shard), format=ox.RdfFormat.N_QUADS)}


def _turtle_triples(path: Path) -> set:
    import pyoxigraph as ox

    return {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}


def test_store_with_dask_processes_only_what_changed(cluster, corpus, dask_build, tmp_path):
    """An incremental build on the cluster: the graph of a fresh build, and shards whose union is
    that graph, the documents taken from the store included."""
    import shutil

    docs = tmp_path / "corpus"
    shutil.copytree(corpus, docs)
    store, out = tmp_path / "store", tmp_path / "out"
    first = build([docs], out, store=store, **dask(cluster))
    assert (first.extracted, first.reused) == (7, 0) and len(first.failed) == 1
    assert (out / "graph.ttl").read_bytes() == (dask_build[0] / "graph.ttl").read_bytes()
    (docs / "x4.txt").write_text("宏远科技有限公司落户华泰新区。\n", encoding="utf-8")
    again = build([docs], out, store=store, **dask(cluster))
    assert (again.extracted, again.reused) == (1, 7) and again.store["mode"] == "updated"
    fresh = build([docs], tmp_path / "fresh", jobs=1)
    assert (out / "graph.ttl").read_bytes() == Path(fresh.output).read_bytes()
    assert _union_of_shards(out / "nquads") == _turtle_triples(out / "graph.ttl")
    assert again.quads == sum(1 for shard in (out / "nquads").glob("*.nq") for _ in shard.open(encoding="utf-8"))


def test_page_progress_and_timing_with_dask(cluster, corpus, tmp_path):
    calls = []
    report = build([corpus], tmp_path, html=True, progress=calls.append, timing=True, **dask(cluster))
    assert report.html == str(tmp_path / "graph.html") and Path(report.html).stat().st_size > 0
    files = sorted(p for p in corpus.rglob("*.txt"))
    assert [p.done for p in calls] == list(range(1, len(files) + 1))
    assert calls[-1].bytes_done == calls[-1].bytes_total == sum(p.stat().st_size for p in files)
    assert sorted(p.status for p in calls).count("failed") == 1
    assert all(report.stages[stage] > 0 for stage in ("ingest", "segmentation", "extraction", "graph"))


def test_strict_with_dask_raises_and_writes_nothing(cluster, corpus, tmp_path):
    from kg.errors import InputError

    with pytest.raises(InputError, match="x3.txt"):
        build([corpus], tmp_path / "out", strict=True, **dask(cluster))
    assert not (tmp_path / "out" / "graph.ttl").exists()
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".kg-")]  # spool removed


def test_cli_engine_dask_with_its_own_local_cluster(tmp_path, corpus, dask_build):
    from click.testing import CliRunner

    from kg.cli import main

    out, _ = dask_build
    result = CliRunner().invoke(main, ["build", str(corpus), "-o", str(tmp_path), "--engine", "dask", "-j", "2",
                                       "--partitions", "3", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "N-Quads:" in result.output and "skipped" in result.output
    assert "7 processed, 0 unchanged" in result.output and "graph page ->" in result.output
    assert (tmp_path / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    assert (tmp_path / "nquads" / "part-00002.nq").read_bytes() == (out / "nquads" / "part-00002.nq").read_bytes()


def test_missing_dask_is_a_clear_error(tmp_path, corpus, monkeypatch):
    import sys

    from kg.build.executors import EngineError

    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(EngineError, match=r"kg\[dask\]"):
        build([corpus], tmp_path, engine="dask")
    assert not list(tmp_path.iterdir())


def test_a_crash_in_one_document_is_skipped_on_dask(tmp_path, monkeypatch):
    """A bug one document hits inside extraction (not a KgError) skips that document, named with the
    exception, and the rest of its partition and of the corpus is built."""
    distributed = pytest.importorskip("dask.distributed")
    import logging

    import kg.build.document

    real = kg.build.document.process_document

    def flaky(doc, *args):
        if "爆炸" in doc.text:
            raise IndexError("simulated extractor bug")
        return real(doc, *args)

    monkeypatch.setattr(kg.build.document, "process_document", flaky)  # in-process workers see the patch
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = EXTRA["x1.txt"]
    for name in ("a", "b", "c", "d"):
        (corpus / f"{name}.txt").write_text(("爆炸" if name == "b" else "") + body.replace("华泰", "华泰" + name), encoding="utf-8")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  silence_logs=logging.ERROR) as c:
        report = build([corpus], tmp_path / "out", engine="dask", scheduler=c.scheduler_address, partitions=2)
    assert report.documents == 3
    assert report.failed == [(str(corpus / "b.txt"), f"{corpus / 'b.txt'}: internal error IndexError: simulated extractor bug")]
    ttl = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "华泰a新区" in ttl and "华泰c新区" in ttl and "华泰d新区" in ttl and "华泰b新区" not in ttl


def test_any_file_order_any_engine_same_bytes(cluster, corpus, tmp_path):
    """The same files in three orders through -j 1, -j 2 and the dask engine: one graph, byte for byte."""
    import random

    from kg.build import discover

    files = [p for p, _ in discover([corpus])]
    orders = [random.Random(seed).sample(files, len(files)) for seed in (1, 2, 3)]
    one = build(orders[0], tmp_path / "one", jobs=1)
    two = build(orders[1], tmp_path / "two", jobs=2)
    dask_ = build(orders[2], tmp_path / "dask", **dask(cluster))
    ref = Path(one.output).read_bytes()
    assert Path(two.output).read_bytes() == ref and Path(dask_.output).read_bytes() == ref
    assert one.errors == two.errors == dask_.errors and one.documents == 7
