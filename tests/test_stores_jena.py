"""The seeds' Turtle imports into real stores: pyoxigraph and Apache Jena (riot, TDB2, SPARQL).

Self-contained (no shared tools): the seed graph built by the session fixture is copied into a
temporary folder, then
- loaded into a fresh pyoxigraph Store (not through kg.query.store),
- validated with Jena's `riot --validate` (strict: any warning fails), bulk-loaded into a fresh
  TDB2 database with `tdb2.tdbloader`, and counted and queried with `tdb2.tdbquery`,
and each store must hold the same number of triples as kg's own graph and give the same answer
to named queries as `kg query`.

Jena comes from Debian's `libapache-jena-java` (jars in /usr/share/java, no launch scripts) or
from an upstream distribution named by JENA_HOME. The Jena tests skip, saying why, when Java or
Jena is missing (`.ci/run` installs both on Debian). About 10 s: five JVM starts.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.query import store as kstore
from kg.cli import main

JAVA_DIR = Path("/usr/share/java")
JENA_DEPS = (
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
    "commons-lang3", "commons-logging", "dexx.collection", "gson", "guava", "httpclient",
    "httpcore", "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
    "jakarta.json-api", "protobuf", "slf4j-api", "slf4j-simple", "thrift", "titanium-json-ld",
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# named queries compared across engines, with their parameters
COMPARED = [
    ("entity-counts", {}),
    ("enterprises-by-zone", {"zone": "兰州新区"}),
    ("evidence-for", {"name": "兰州新区"}),
]


# --------------------------------------------------------------------------- Jena helper


def jena_classpath(workdir: Path) -> tuple[str | None, str]:
    """(classpath, "") for Jena's command classes, or (None, reason to skip).

    Debian 12's jena-core 4.5.0 relocated its bundled Xerces classes to the package `xerces.*`
    but left their message bundles under `org/apache/jena/ext/xerces/`, so every command dies
    at start with `ExceptionInInitializerError ... XSSimpleTypeDecl.applyFacets1: internal
    error`. When that layout is detected, the bundles are copied to where the classes look for
    them (`xerces/...`) in a folder put first on the classpath.
    """
    home = os.environ.get("JENA_HOME")
    if home and (Path(home) / "lib").is_dir():
        return str(Path(home) / "lib" / "*"), ""
    if not shutil.which("java"):
        return None, "java is not installed (apt-get install default-jre-headless)"
    core = JAVA_DIR / "jena-core.jar"
    if not core.is_file():
        return None, (f"Apache Jena is not installed ({core} missing; apt-get install "
                      "libapache-jena-java, or set JENA_HOME)")
    jars = sorted(str(j) for j in JAVA_DIR.glob("jena-*.jar")
                  if not re.search(r"-\d[\d.]*\.jar$", j.name))  # unversioned links only
    missing = [d for d in JENA_DEPS if not (JAVA_DIR / f"{d}.jar").is_file()]
    if missing:
        return None, f"Jena dependencies missing from {JAVA_DIR}: {', '.join(missing)}"
    jars += [str(JAVA_DIR / f"{d}.jar") for d in JENA_DEPS]
    cp = []
    with zipfile.ZipFile(core) as z:
        names = set(z.namelist())
        if ("xerces/impl/dv/xs/XSSimpleTypeDecl.class" in names
                and "xerces/impl/msg/XMLSchemaMessages.properties" not in names):
            fix = workdir / "jena-xerces-fix"
            prefix = "org/apache/jena/ext/xerces/"
            for n in names:
                if n.startswith(prefix) and n.endswith(".properties"):
                    dst = fix / "xerces" / n[len(prefix):]
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    dst.write_bytes(z.read(n))
            cp.append(str(fix))
    return ":".join(cp + jars), ""


class Jena:
    """Runs Jena command classes (riotcmd.riot, tdb2.tdbloader, tdb2.tdbquery) with `java -cp`."""

    def __init__(self, classpath: str):
        self.classpath = classpath

    def run(self, main_class: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        cmd = ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
               "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
               "-Dorg.slf4j.simpleLogger.logFile=System.err",
               "-cp", self.classpath, main_class, *args]
        return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8",
                              timeout=timeout)

    def query_csv(self, loc: Path, sparql: str) -> list[list[str]]:
        """Rows (header first) of a SELECT run by tdb2.tdbquery on the TDB2 database at loc."""
        qfile = loc.parent / "query.rq"
        qfile.write_text(sparql, encoding="utf-8")
        r = self.run("tdb2.tdbquery", "--loc", str(loc), "--results=CSV", "--query", str(qfile))
        assert r.returncode == 0, r.stderr[-2000:]
        return list(csv.reader(io.StringIO(r.stdout, newline="")))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def graph(seed_build, tmp_path_factory) -> Path:
    """A private copy of the seed graph (queries write an on-disk store next to it)."""
    d = tmp_path_factory.mktemp("import")
    return Path(shutil.copyfile(seed_build.graph_path, d / "graph.ttl"))


@pytest.fixture(scope="module")
def jena(graph) -> Jena:
    cp, reason = jena_classpath(graph.parent)
    if cp is None:
        pytest.skip(reason)
    return Jena(cp)


@pytest.fixture(scope="module")
def tdb2(jena, graph) -> Path:
    """The seed graph bulk-loaded into a fresh TDB2 database."""
    loc = graph.parent / "tdb2"
    r = jena.run("tdb2.tdbloader", "--loc", str(loc), str(graph))
    assert r.returncode == 0, r.stderr[-2000:]
    assert not re.search(r"\b(WARN|ERROR)\b", r.stderr), r.stderr[-2000:]
    return loc


def kg_csv(graph: Path, *args: str) -> list[list[str]]:
    r = CliRunner().invoke(main, ["query", str(graph), *args, "--format", "csv"])
    assert r.exit_code == 0, r.output
    return list(csv.reader(io.StringIO(r.stdout, newline="")))


def kg_named(graph: Path, name: str, params: dict) -> list[list[str]]:
    args = ["--name", name]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    return kg_csv(graph, *args)


def comparable(rows: list[list[str]]) -> list[tuple]:
    """Header, then the rows sorted, with GROUP_CONCAT parts sorted (their order is
    engine-specific)."""
    def cell(v: str) -> str:
        for sep in ("、", "；"):
            if sep in v:
                return sep.join(sorted(v.split(sep)))
        return v

    head, *body = rows
    return [tuple(head)] + sorted(tuple(cell(v) for v in r) for r in body)


def kg_triple_count(graph: Path) -> int:
    rows = kg_csv(graph, COUNT)
    return int(rows[1][0])


# --------------------------------------------------------------------------- tests


def test_kg_counts_agree_with_the_build_report(seed_build, seed_graph, graph):
    n = kg_triple_count(graph)
    assert n == seed_build.report.triples == len(seed_graph) > 1000


def test_pyoxigraph_loads_the_same_triples(graph):
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(graph), format=ox.RdfFormat.TURTLE)
    assert len(store) == kg_triple_count(graph)


@pytest.mark.parametrize("name, params", COMPARED, ids=[c[0] for c in COMPARED])
def test_pyoxigraph_answers_named_queries_like_kg_query(graph, name, params):
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(graph), format=ox.RdfFormat.TURTLE)
    q = kstore.named_queries()[name]
    text = kstore.portable_query(q.sparql, q.bind(params))
    res = store.query(text)  # no predeclared prefixes: the portable text declares them
    got = [[v.value for v in res.variables]] + [
        ["" if t is None else t.value for t in sol] for sol in res]
    expected = kg_named(graph, name, params)
    assert comparable(got) == comparable(expected) and len(expected) > 1


def test_riot_validates_the_turtle(jena, graph):
    r = jena.run("riotcmd.riot", "--validate", "--syntax=Turtle", str(graph))
    assert r.returncode == 0, r.stderr[-2000:]
    assert not re.search(r"\b(WARN|ERROR)\b", r.stderr + r.stdout), r.stderr[-2000:]


def test_tdb2_holds_the_same_triple_count(jena, tdb2, graph):
    rows = jena.query_csv(tdb2, COUNT)
    assert rows[0] == ["n"]
    assert int(rows[1][0]) == kg_triple_count(graph)


@pytest.mark.parametrize("name, params", COMPARED, ids=[c[0] for c in COMPARED])
def test_tdb2_answers_named_queries_like_kg_query(jena, tdb2, graph, name, params):
    q = kstore.named_queries()[name]
    text = kstore.portable_query(q.sparql, q.bind(params))
    got = jena.query_csv(tdb2, text)
    expected = kg_named(graph, name, params)
    assert comparable(got) == comparable(expected) and len(expected) > 1
