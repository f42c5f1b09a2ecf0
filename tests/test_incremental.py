"""`kg build --store DIR`: only new or changed documents are processed, removed ones leave
exactly their facts, and the graph (file and Oxigraph store) equals a fresh build's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import build
from kg.build.fingerprint import fingerprint
from kg.build.store import ResultStore, StoreBuildError, apply_diff
from kg.extract.resources import load_resources

from conftest import ROOT


def open_store(store_dir: Path) -> ResultStore:
    """The store as a build without lexicons opens it."""
    return ResultStore.open(store_dir, fingerprint(load_resources()))

DOCS = {
    "a.txt": "华泰新区位于甘肃省兰州市。华泰新区重点发展生物医药产业。\n",
    "b.txt": "恒瑞科技有限公司落户华泰新区。恒瑞科技有限公司重点发展新材料产业。\n",
    "c.txt": "滨海新区重点发展集成电路产业。天津宏远科技有限公司与滨海新区管委会签署合作协议。\n",
    "d.txt": "兰州新区管委会主任王小明说,兰州新区重点发展装备制造产业。\n",
}


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def fresh(folder: Path, tmp: Path) -> bytes:
    out = tmp / f"fresh-{len(list(tmp.iterdir()))}"
    return Path(build([folder], out).output).read_bytes()


def store_quads(store_dir: Path) -> set:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir / "oxigraph"))
    return {(q.subject, q.predicate, q.object) for q in store}


def file_triples(path: Path) -> set:
    import pyoxigraph as ox

    return {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}


def test_rebuild_processes_only_what_changed(corpus, tmp_path):
    store, out = tmp_path / "store", tmp_path / "out"
    first = build([corpus], out, store=store)
    assert (first.extracted, first.reused, first.removed) == (4, 0, [])
    assert (out / "graph.ttl").read_bytes() == fresh(corpus, tmp_path)
    assert store_quads(store) == file_triples(out / "graph.ttl")

    again = build([corpus], out, store=store, jobs=2)
    assert (again.extracted, again.reused) == (0, 4)
    assert (out / "graph.ttl").read_bytes() == fresh(corpus, tmp_path)

    (corpus / "e.txt").write_text("宏远科技有限公司落户滨海新区。\n", encoding="utf-8")
    with open(corpus / "a.txt", "a", encoding="utf-8") as fh:
        fh.write("华泰新区重点发展氢能产业。\n")
    changed = build([corpus], out, store=store)
    assert (changed.extracted, changed.reused) == (2, 3)
    assert changed.store["mode"] == "updated" and changed.store["added"] > 0
    assert (out / "graph.ttl").read_bytes() == fresh(corpus, tmp_path)
    assert store_quads(store) == file_triples(out / "graph.ttl")


def test_removing_a_document_removes_exactly_its_facts(corpus, tmp_path):
    import pyoxigraph as ox

    store, out = tmp_path / "store", tmp_path / "out"
    (corpus / "e.txt").write_text("天津宏远科技有限公司与滨海新区管委会签署合作协议。\n", encoding="utf-8")  # as c.txt
    build([corpus], out, store=store)
    before = file_triples(out / "graph.ttl")
    os.remove(corpus / "c.txt")
    report = build([corpus], out, store=store)
    assert report.removed == ["corpus/c.txt"] and report.extracted == 0
    after_bytes = (out / "graph.ttl").read_bytes()
    assert after_bytes == fresh(corpus, tmp_path)
    after = file_triples(out / "graph.ttl")
    assert store_quads(store) == after
    # what went: the document node, its evidence, and facts only it stated; nothing else
    gone = before - after
    assert gone and not (after - before)
    kg = "https://w3id.org/policykg/ns#"
    doc = next(s for s, p, o in gone if p == ox.NamedNode(kg + "sourceFile"))
    evidence_left = {s for s, p, o in after if p == ox.NamedNode(kg + "document") and o == doc}
    assert not evidence_left
    assert "c.txt" not in after_bytes.decode("utf-8")
    # a fact c.txt and another document both state stays, with the other document's evidence only
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    def evidence_docs(triples) -> dict:
        parts: dict = {}
        for s, p, o in triples:
            if p.value.startswith(rdf) and p.value[len(rdf):] in ("subject", "predicate", "object"):
                parts.setdefault(s, {})[p.value[len(rdf):]] = o
            elif p == ox.NamedNode(kg + "document"):
                parts.setdefault(s, {})["document"] = o
        by_fact: dict = {}
        for part in parts.values():
            by_fact.setdefault((part["subject"], part["predicate"], part["object"]), set()).add(part["document"])
        return by_fact

    was, now = evidence_docs(before), evidence_docs(after)
    shared = [f for f, docs in was.items() if doc in docs and len(docs) > 1]
    assert shared
    for fact in shared:
        assert fact in after and now[fact] == was[fact] - {doc}
    assert all(was[f] == now[f] for f in now if f not in shared)  # no other fact lost evidence


def test_renamed_file_is_not_processed_again(corpus, tmp_path):
    store, out = tmp_path / "store", tmp_path / "out"
    build([corpus], out, store=store)
    os.rename(corpus / "b.txt", corpus / "b2.txt")
    report = build([corpus], out, store=store)
    assert (report.extracted, report.reused, report.removed) == (0, 4, ["corpus/b.txt"])
    assert (out / "graph.ttl").read_bytes() == fresh(corpus, tmp_path)


def test_touched_file_with_same_content_is_reused(corpus, tmp_path):
    store, out = tmp_path / "store", tmp_path / "out"
    build([corpus], out, store=store)
    st = os.stat(corpus / "a.txt")
    os.utime(corpus / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    report = build([corpus], out, store=store)
    assert (report.extracted, report.reused) == (0, 4)


def test_changed_lexicon_reprocesses_everything(corpus, tmp_path):
    store, out = tmp_path / "store", tmp_path / "out"
    build([corpus], out, store=store)
    lex = tmp_path / "my.tsv"
    lex.write_text("name\ttype\taliases\n恒瑞科技有限公司\tEnterprise\t恒瑞\n", encoding="utf-8")
    report = build([corpus], out, store=store, lexicons=[lex])
    assert (report.extracted, report.reused) == (4, 0)
    assert (out / "graph.ttl").read_bytes() == Path(build([corpus], tmp_path / "f", lexicons=[lex]).output).read_bytes()


def kg_build(*args, pythonpath: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess:
    """`python -m kg build ARGS -j 1 --no-html` in a new process."""
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    proc = subprocess.run([sys.executable, "-m", "kg", "build", *map(str, args), "-j", "1", "--no-html"],
                          cwd=pythonpath, env=env, capture_output=True, text=True, timeout=300)
    assert not check or proc.returncode == 0, proc.stderr
    return proc


# Two builds in one process, the lexicon edited in between (as a long-running tool would).
_SAME_PROCESS = """
import sys
from pathlib import Path
from kg.cli import main
corpus, store, out, lexicon = sys.argv[1:5]
def run():
    try:
        main(["build", corpus, "-o", out, "--store", store, "--lexicon", lexicon, "-j", "1", "--no-html"],
             standalone_mode=False)
    except SystemExit as exc:
        assert not exc.code, exc.code
run()
path = Path(lexicon)
path.write_text(path.read_text(encoding="utf-8").replace("\tProject", "\t-"), encoding="utf-8")
run()
"""


def test_lexicon_edited_between_two_builds_of_one_process(tmp_path):
    """A lexicon edited between two store builds of one process: the second build reads it again,
    so a later build in another process, which reuses the store, gives what a fresh build gives."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("星河智造园落户华泰新区。星河智造园重点发展生物医药产业。\n", encoding="utf-8")
    (corpus / "b.txt").write_text("华泰新区位于甘肃省兰州市。\n", encoding="utf-8")
    lexicon = tmp_path / "my.tsv"
    lexicon.write_text("name\ttype\taliases\n星河智造园\tProject\t\n", encoding="utf-8")
    store, out = tmp_path / "store", tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", _SAME_PROCESS, corpus, store, out, lexicon], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert lexicon.read_text(encoding="utf-8").endswith("星河智造园\t-\t\n")  # edited by the second build's process
    again = kg_build(corpus, "-o", out, "--store", store, "--lexicon", lexicon)
    assert "0 processed, 2 unchanged" in again.stdout
    fresh = kg_build(corpus, "-o", tmp_path / "fresh", "--lexicon", lexicon)
    assert "Project" not in fresh.stdout
    assert (out / "graph.ttl").read_bytes() == (tmp_path / "fresh" / "graph.ttl").read_bytes()


@pytest.fixture
def kg_copy(tmp_path) -> Path:
    """A copy of the kg package to edit (on PYTHONPATH for subprocess builds)."""
    root = tmp_path / "pkg"
    shutil.copytree(ROOT / "kg", root / "kg", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _touch(path: Path) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")


@pytest.mark.parametrize("edited, invalidates", [
    ("extract/official.py", True),      # an extractor the registry imports by name
    ("relate/located.py", True),
    ("ingest/reader.py", True),
    ("data/triggers.tsv", True),
    ("model.py", True),
    ("build/document.py", True),
    ("viz/page.py", False),
    ("query/store.py", False),
    ("build/merge.py", False),          # runs over all results every build
    ("cli/build.py", False),
])
def test_code_fingerprint_follows_the_per_document_code(kg_copy, edited, invalidates):
    from kg.build.fingerprint import code_fingerprint

    before = code_fingerprint(kg_copy / "kg")
    assert before == code_fingerprint(ROOT / "kg")
    _touch(kg_copy / "kg" / edited)
    assert (code_fingerprint(kg_copy / "kg") != before) is invalidates


def test_editing_extraction_code_invalidates_the_store(kg_copy, corpus, tmp_path):
    """Per-document results are reused until the code that made them changes (a module in a
    subpackage of extraction), not when other code does (the graph page)."""
    store, out = tmp_path / "store", tmp_path / "out"
    assert "4 processed, 0 unchanged" in kg_build(corpus, "-o", out, "--store", store, pythonpath=kg_copy).stdout
    _touch(kg_copy / "kg" / "viz" / "page.py")
    assert "0 processed, 4 unchanged" in kg_build(corpus, "-o", out, "--store", store, pythonpath=kg_copy).stdout
    _touch(kg_copy / "kg" / "extract" / "official.py")
    assert "4 processed, 0 unchanged" in kg_build(corpus, "-o", out, "--store", store, pythonpath=kg_copy).stdout


def test_unreadable_document_leaves_the_graph(corpus, tmp_path):
    store, out = tmp_path / "store", tmp_path / "out"
    build([corpus], out, store=store)
    (corpus / "d.txt").write_bytes(b"\x00\x01binary\x00" * 20)
    report = build([corpus], out, store=store)
    assert [Path(p).name for p, _ in report.failed] == ["d.txt"]
    os.remove(corpus / "d.txt")
    assert (out / "graph.ttl").read_bytes() == fresh(corpus, tmp_path)


def test_store_out_of_step_is_reloaded(corpus, tmp_path):
    """If the Oxigraph store may not match graph.ttl (an interrupted update), it is rebuilt."""
    store, out = tmp_path / "store", tmp_path / "out"
    build([corpus], out, store=store)
    rs = open_store(store)
    rs.set_meta("oxigraph", None)
    rs.close()
    os.remove(corpus / "a.txt")
    report = build([corpus], out, store=store)
    assert report.store["mode"] == "rebuilt"
    assert store_quads(store) == file_triples(out / "graph.ttl")


def test_one_build_at_a_time(corpus, tmp_path):
    store = tmp_path / "store"
    build([corpus], tmp_path / "out", store=store)
    rs = open_store(store)
    try:
        with pytest.raises(StoreBuildError, match="another kg build"):
            build([corpus], tmp_path / "out", store=store)
    finally:
        rs.close()


def test_refuses_a_folder_that_is_not_a_store(corpus, tmp_path):
    other = tmp_path / "docs"
    other.mkdir()
    (other / "keep.md").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreBuildError, match="not a kg store"):
        build([corpus], tmp_path / "out", store=other)
    assert [p.name for p in other.iterdir()] == ["keep.md"]


def test_diff_refuses_files_out_of_order(tmp_path):
    import pyoxigraph as ox

    head = "@prefix kg: <https://w3id.org/policykg/ns#> .\n\n"
    good = tmp_path / "good.ttl"
    good.write_text(head + "<https://e.org/id/zone-1>\n    a kg:Zone .\n", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text(head + "<https://e.org/id/zone-2>\n    a kg:Zone .\n\n<https://e.org/id/zone-1>\n    a kg:Zone .\n",
                   encoding="utf-8")
    store = ox.Store()
    store.load(path=str(good), format=ox.RdfFormat.TURTLE)
    assert apply_diff(store, good, bad) is None
    newer = tmp_path / "newer.ttl"
    newer.write_text(head + "<https://e.org/id/zone-1>\n    a kg:Region .\n", encoding="utf-8")
    store = ox.Store()
    store.load(path=str(good), format=ox.RdfFormat.TURTLE)
    assert apply_diff(store, good, newer) == {"added": 1, "removed": 1}
    assert [str(q.object.value) for q in store] == ["https://w3id.org/policykg/ns#Region"]


def test_cli_store_option_and_query(corpus, tmp_path):
    from kg.cli import main

    runner = CliRunner()
    store = tmp_path / "store"
    result = runner.invoke(main, ["build", str(corpus), "-o", str(tmp_path / "out"), "--store", str(store), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "4 processed, 0 unchanged" in result.output
    result = runner.invoke(main, ["build", str(corpus), "-o", str(tmp_path / "out"), "--store", str(store), "-j", "1"])
    assert "0 processed, 4 unchanged" in result.output
    shutil.copy(corpus / "a.txt", corpus / "a-copy.txt")
    result = runner.invoke(main, ["build", str(corpus), "-o", str(tmp_path / "out"), "--store", str(store)])
    assert "0 processed, 5 unchanged" in result.output
    query = runner.invoke(main, ["query", str(store / "oxigraph"), "--format", "csv",
                                 "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/policykg/ns#Document> }"])
    assert query.exit_code == 0, query.output
    assert query.output.split()[-1] == "5"
