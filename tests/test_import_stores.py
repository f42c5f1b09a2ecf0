"""Turtle from `kg` loads the same into real stores: rapper, Apache Jena (riot --validate,
TDB2 load, SPARQL), Virtuoso, pyoxigraph and rdflib, via the shared import_check tool.

The default suite proves the import into pyoxigraph and Apache Jena on its own, with nothing
but the Debian packages (tests/test_stores_jena.py). These tests add rapper, Virtuoso and
rdflib, and awkward literals, through the shared folder's tools/import_check.sh, which a clean clone
does not have.

Slow (a JVM and a Virtuoso start per run): run with `pytest -m slow`. Skips when the tool,
rapper or Java/Jena is not installed. Set KG_IMPORT_CHECK to the tool's path if it is not in
the default place.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SHARED
from kg.query import store as kstore
from kg.cli import main

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data"
TOOL = Path(os.environ.get("KG_IMPORT_CHECK") or SHARED / "tools" / "import_check.sh")
REQUIRED = ("rapper", "jena", "oxigraph", "rdflib")


def _jena_available() -> bool:
    return bool(os.environ.get("JENA_HOME")) or Path("/usr/share/java/jena-core.jar").exists()


@pytest.fixture(scope="module")
def import_check():
    if not TOOL.is_file():
        pytest.skip(f"import_check tool not found at {TOOL} (set KG_IMPORT_CHECK)")
    if not shutil.which("rapper"):
        pytest.skip("rapper (raptor2-utils) is not installed")
    if not shutil.which("java") or not _jena_available():
        pytest.skip("Java or Apache Jena (libapache-jena-java) is not installed")
    env = dict(os.environ)
    default_venv = Path.home() / ".cache/kg-checks/venv/bin/python"
    if "IMPORT_CHECK_VENV" not in env and not default_venv.exists():
        env["IMPORT_CHECK_VENV"] = sys.prefix  # this venv has pyoxigraph and rdflib

    def run(path: Path, *args: str) -> dict:
        out = path.with_suffix(".import_check.json")
        proc = subprocess.run(["bash", str(TOOL), str(path), "--json", str(out), *args],
                              capture_output=True, text=True, env=env, timeout=1800)
        assert out.exists(), proc.stdout + proc.stderr
        report = json.loads(out.read_text(encoding="utf-8"))
        report["_output"] = proc.stdout + proc.stderr
        report["_rc"] = proc.returncode
        return report

    return run


def kg_count(graph: Path) -> int:
    res = kstore.query(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", memory=True)
    return int(next(res.rows())[0].value)


def check_agreement(report: dict, graph: Path) -> dict:
    stores = {s["store"]: s for s in report["stores"]}
    for name in REQUIRED:
        assert stores[name]["status"] == "OK", report["_output"]
    for name, s in stores.items():
        assert s["status"] in ("OK", "MISSING"), report["_output"]  # Virtuoso may be absent
    assert report["_rc"] == 0 and report["result"] == "PASS", report["_output"]
    n = kg_count(graph)
    counts = {name: s["count"] for name, s in stores.items() if s["count"] is not None}
    assert set(counts.values()) == {n}, counts
    return stores


def write_tricky(path: Path) -> Path:
    """Awkward literals (quotes, backslashes, newlines, emoji, CJK), written by rdflib."""
    from rdflib import RDF, RDFS, Graph, Literal, Namespace
    from rdflib.namespace import SKOS

    kg = Namespace("https://w3id.org/policykg/ns#")
    i = Namespace("https://w3id.org/policykg/id/")
    zone, doc = i["zone-00000000000000aa"], i["doc-00000000000000bb"]
    g = Graph()
    g.add((zone, RDF.type, kg.Zone))
    g.add((doc, RDF.type, kg.Document))
    g.add((zone, kg.mentionedIn, doc))
    g.add((zone, RDFS.label, Literal('"引号"园区', lang="zh")))
    for v in ["back\\slash \\n \\u0041 not escapes", "line one\nline two\ttab\r\nCRLF",
              "emoji 🚀🇨🇳 and astral CJK 𠮷", '<x> <y> "z" . # not turtle',
              "single ' double \" triple \"\"\" end", "全角；标点，“引号”《书名》",
              "trailing backslash \\"]:
        g.add((zone, SKOS.altLabel, Literal(v, lang="zh")))
    g.serialize(path, format="nt", encoding="utf-8")
    return path


def kg_export_ttl(src: Path, out: Path) -> Path:
    r = CliRunner().invoke(main, ["export", str(src), "--format", "ttl", "-o", str(out),
                                  "--memory"])
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.parametrize("source", ["sample", "tricky"])
def test_named_query_agrees_across_stores(import_check, tmp_path, source):
    """Same triple count and the same entity-counts answer as `kg query` in every store
    (the tricky graph has classes with no members, which some engines drop)."""
    graph = (Path(shutil.copy(DATA / "sample_graph.ttl", tmp_path / "sample.ttl"))
             if source == "sample" else write_tricky(tmp_path / "tricky.nt"))
    nq = kstore.named_queries()["entity-counts"]
    report = import_check(graph, "--query", kstore.portable_query(nq.sparql))
    stores = check_agreement(report, graph)
    r = CliRunner().invoke(main, ["query", str(graph), "--name", "entity-counts",
                                  "--format", "csv", "--memory"])
    assert r.exit_code == 0
    expected = sorted(row for row in csv.reader(io.StringIO(r.stdout, newline=""))
                      if row != ["type", "count"])
    for name in ("jena", "oxigraph", "rdflib", "virtuoso"):
        if stores[name]["status"] == "OK":
            assert sorted(stores[name]["query"]) == expected, name


@pytest.mark.parametrize("source", ["sample", "tricky"])
def test_kg_export_turtle_imports_cleanly(import_check, tmp_path, source):
    src = (Path(shutil.copy(DATA / "sample_graph.ttl", tmp_path / "in.ttl"))
           if source == "sample" else write_tricky(tmp_path / "in.nt"))
    out = kg_export_ttl(src, tmp_path / "exported.ttl")
    report = import_check(out, "--strict")
    check_agreement(report, out)
    assert kg_count(out) == kg_count(src)
