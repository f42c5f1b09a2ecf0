"""Shared fixtures: one build of the seed corpus per test session, and small corpus builders.

The seeds are copied into a temporary folder named `seeds` (so document names match a build of
the repository's `seeds/`) and built once; tests read the result and never write to it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The project's shared folder (reference scorer, gold, tools): `shared/` next to the checkout,
# as CI lays it out, or wherever KG_SHARED says.
SHARED = Path(os.environ.get("KG_SHARED") or ROOT.parent / "shared")


def in_ci() -> bool:
    """True under CI (CI=true), where what the default suite needs must be there."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def shared_path(relative: str) -> Path:
    """A file or folder of the shared folder; the test skips where it is missing, and fails
    under CI, which always lays the shared folder next to the clone."""
    path = SHARED / relative
    if not path.exists():
        message = f"{path} not found (the project's shared folder next to the checkout; set KG_SHARED)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


@dataclass(frozen=True)
class SeedBuild:
    """Where the session's seed build lives and what `kg.build.driver.build` reported."""

    seeds: Path          # the copied seed folder (input)
    files: tuple         # the copied seed files, sorted
    graph_path: Path     # output/graph.ttl
    report: object       # kg.build.driver.BuildReport


def copy_seeds(dest: Path) -> list[Path]:
    """Copy every seed text into dest (plain copies: the originals are read-only)."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for src in sorted(SEEDS.glob("*.txt")):
        shutil.copyfile(src, dest / src.name)
        out.append(dest / src.name)
    if not out:
        pytest.skip(f"no seed texts in {SEEDS}")
    return out


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a `kg serve` subprocess as Ctrl-C would, killing it if it does not exit."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    proc.stderr.close()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> SeedBuild:
    """The five seeds built once into a temporary output folder."""
    from kg.build import build

    base = tmp_path_factory.mktemp("seedbuild")
    files = copy_seeds(base / "seeds")
    report = build([base / "seeds"], base / "output")
    return SeedBuild(base / "seeds", tuple(files), Path(report.output), report)


@pytest.fixture(scope="session")
def seed_graph(seed_build):
    """The seed build parsed with rdflib (read-only: do not mutate, copy first)."""
    from rdflib import Graph

    return Graph().parse(seed_build.graph_path, format="turtle")


@pytest.fixture(scope="session")
def seed_docs(seed_build) -> dict:
    """rel_path (as in the graph's kg:sourceFile) -> ingested Document, for every seed."""
    from kg.ingest.reader import read_document

    return {f"seeds/{p.name}": read_document(p, seed_build.seeds.parent) for p in seed_build.files}


@pytest.fixture
def write_corpus(tmp_path):
    """Write {name: str|bytes} into tmp_path/<folder>/ and return the folder."""

    def write(files: dict, folder: str = "corpus") -> Path:
        d = tmp_path / folder
        d.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (d / name).write_bytes(data)
        return d

    return write


CHROMIUM = "/usr/bin/chromium"  # Debian's package; never `playwright install`


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through playwright, shared by the browser tests (skips, saying
    why, where either is missing). Background networking is off: this machine's network is closed."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()
