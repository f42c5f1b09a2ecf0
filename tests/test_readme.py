"""The README's examples are executable documentation: every ```sh block runs, in order.

The blocks run in a copy of the repository where `output/` has been built as the Quick start
does, each in a new bash with `set -e -o pipefail` after `. .venv/bin/activate` (the copy's `.venv`
is this test's virtualenv), so a block works as pasted into a shell whose virtualenv is
active. An HTML comment on the line before a block changes what happens to it:

    <!-- skip: REASON -->          not run (needs software the tests do not install)
    <!-- needs: WHAT ... -->       run only where each command is on PATH or each path exists
    <!-- file: NAME -->            not run: its text is saved as NAME (a file the README asks for)
    <!-- background: REASON -->   started and left running (kg serve) while the later blocks run

The SPARQL endpoint's port 7878 is replaced by a free port in every block (so the blocks
that start and query `kg serve` name the port). `cog --check`
keeps the generated parts (the `--help` texts, the quality table) equal to what the code gives.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, shared_path

README = ROOT / "README.md"
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*) *$")
MARK = re.compile(r"^<!--\s*(?P<kind>skip|needs|file|background)\s*:\s*(?P<arg>.*?)\s*-->$")
PORT = "7878"
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "output", "__pycache__", "*.egg-info", ".pytest_cache",
                                    ".hypothesis", "*.oxigraph", "kgstore")
BLOCK_TIMEOUT = 300


@dataclass(frozen=True)
class Block:
    line: int        # line of the opening fence in README.md
    lang: str
    text: str
    kind: str = ""   # "", "skip", "needs", "file" or "background"
    arg: str = ""

    @property
    def id(self) -> str:
        return f"L{self.line}-{self.kind or 'run'}"


def readme_blocks(text: str) -> list[Block]:
    """Every fenced block of the Markdown text, with the marker comment on the line before it."""
    lines = text.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, start = m.group("indent"), i
        end = next(j for j in range(i + 1, len(lines)) if lines[j] == f"{indent}```")
        body = "".join(line[len(indent):] + "\n" for line in lines[start + 1:end])
        mark = MARK.match(lines[start - 1].strip()) if start else None
        blocks.append(Block(start + 1, m.group("lang"), body, *(mark.group("kind", "arg") if mark else ())))
        i = end + 1
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))
SH = [b for b in BLOCKS if b.lang == "sh" and b.kind != "file"]


def missing(needs: str) -> list[str]:
    """The commands and paths of a `needs:` marker that are not there (commands are looked up
    as the blocks see them: the virtualenv's bin/ first)."""
    path = os.pathsep.join([str(Path(sys.prefix) / "bin"), os.environ.get("PATH", "")])
    return [w for w in needs.split() if not (Path(w).exists() if "/" in w else shutil.which(w, path=path))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Checkout:
    """The copy the blocks run in, and what has run there so far."""

    root: Path
    env: dict
    port: int
    done: set = field(default_factory=set)
    failed: dict = field(default_factory=dict)
    background: list = field(default_factory=list)

    def script(self, block: Block) -> str:
        return "set -e -o pipefail\n. .venv/bin/activate\n" + block.text.replace(PORT, str(self.port))

    def run(self, block: Block) -> None:
        """Run one block; a failure is remembered so that later blocks can name it."""
        self.done.add(block.line)
        if block.kind == "background":
            self.start(block)
            return
        proc = subprocess.run(["bash", "-c", self.script(block)], cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=BLOCK_TIMEOUT, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            self.failed[block.line] = (f"README.md:{block.line}: exit {proc.returncode}\n{block.text}\n"
                                       f"--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}")
            pytest.fail(self.failed[block.line])

    def start(self, block: Block) -> None:
        """Start a server block and wait until its endpoint answers."""
        proc = subprocess.Popen(["bash", "-c", self.script(block)], cwd=self.root, env=self.env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        self.background.append(proc)
        url = f"http://127.0.0.1:{self.port}/sparql?query=ASK%7B%7D"
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with direct.open(url, timeout=5):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.failed[block.line] = f"README.md:{block.line}: the server did not answer at {url}"
        pytest.fail(self.failed[block.line])

    def stop(self) -> None:
        for proc in self.background:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)
            proc.stderr.close()

    def run_before(self, block: Block) -> None:
        """Run the runnable blocks before this one that have not run (for `-k` selections)."""
        for earlier in SH:
            if earlier.line >= block.line:
                break
            if earlier.line not in self.done and runnable(earlier) is None:
                self.run(earlier)
        bad = sorted(line for line in self.failed if line < block.line)
        if bad:
            pytest.fail(f"an earlier block failed (README.md:{bad[0]}), so this one cannot run as written")


def runnable(block: Block) -> str | None:
    """Why the block is not run here, or None."""
    if block.kind == "skip":
        return block.arg
    if block.kind == "needs":
        gone = missing(block.arg)
        if gone:
            return f"needs {', '.join(gone)}"
    return None


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    venv = Path(sys.prefix)
    if not ((venv / "bin" / "activate").is_file() and (venv / "bin" / "kg").is_file()):
        pytest.skip(f"the README's commands need kg installed in a virtualenv ({venv} is not one)")
    root = tmp_path_factory.mktemp("readme") / "kg"
    shutil.copytree(ROOT, root, ignore=NOT_COPIED, symlinks=True)
    (root / ".venv").symlink_to(venv, target_is_directory=True)
    for block in BLOCKS:
        if block.kind == "file":
            (root / block.arg).write_text(block.text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["XDG_CACHE_HOME"] = str(root.parent / "cache")
    co = Checkout(root, env, free_port())
    # The Quick start's first block, with the kg this test runs (it is skipped itself).
    subprocess.run([str(venv / "bin" / "kg"), "build", "seeds/", "-o", "output/", "-q"], cwd=root, env=env,
                   check=True, timeout=BLOCK_TIMEOUT)
    yield co
    co.stop()


def test_every_sh_block_has_a_known_marker():
    marks = {b.kind for b in BLOCKS if b.lang == "sh"}
    assert marks <= {"", "skip", "needs", "file", "background"}
    assert any(not b.kind for b in SH), "no sh block runs"
    assert all(b.arg for b in BLOCKS if b.kind), "a marker without its reason, need or file name"


@pytest.mark.parametrize("block", SH, ids=[b.id for b in SH])
def test_readme_block(checkout, block):
    why = runnable(block)
    if why is not None:
        pytest.skip(f"README.md:{block.line}: {why}")
    checkout.run_before(block)
    if block.line not in checkout.done:
        checkout.run(block)


def test_cog_generated_parts_are_current():
    pytest.importorskip("cogapp")
    shared_path("dev")   # the quality table scores the development set too (skips without it)
    proc = subprocess.run([sys.executable, "-m", "cogapp", "--check", "README.md"], cwd=ROOT,
                          capture_output=True, text=True, timeout=BLOCK_TIMEOUT)
    assert proc.returncode == 0, ("README.md is out of date with the code: run `cog -r README.md`\n"
                                  + proc.stdout + proc.stderr)


def test_quoted_seed_counts_are_current(seed_build, tmp_path):
    """The triple and quad counts the README quotes for the seeds' graph are today's."""
    from kg.query.export import export
    from kg.query.store import query

    result = query(seed_build.graph_path, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", memory=True)
    triples = int(next(result.rows())[0].value)
    [nq] = export(seed_build.graph_path, "nq", tmp_path / "graph.nq", memory=True)
    quads = len(nq.read_bytes().splitlines())
    text = README.read_text(encoding="utf-8")
    assert f"{triples:,} triples" in text
    assert f"{quads:,} quads" in text


def test_seed_gold_is_the_shared_gold():
    """seeds/gold/ holds byte-identical copies of the project's gold files for the seeds."""
    shared = shared_path("gold")
    ours = sorted(p.name for p in (SEEDS / "gold").iterdir())
    assert ours == sorted(p.name for p in shared.iterdir() if p.suffix in (".json", ".md"))
    for name in ours:
        assert (SEEDS / "gold" / name).read_bytes() == (shared / name).read_bytes(), name


def test_build_of_seeds_reads_only_the_texts(seed_build, tmp_path):
    """`kg build seeds/` with seeds/gold/ in it writes the bytes of a build of the five texts alone."""
    from kg.build import build

    shutil.copytree(SEEDS, tmp_path / "seeds")
    assert (tmp_path / "seeds" / "gold").is_dir()
    report = build([tmp_path / "seeds"], tmp_path / "output", html=False)
    assert report.documents == len(seed_build.files) == 5
    assert Path(report.output).read_bytes() == seed_build.graph_path.read_bytes()
