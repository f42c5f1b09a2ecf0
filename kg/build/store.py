"""`kg build --store DIR`: incremental builds over a folder that remembers earlier ones.

DIR holds
- `results.sqlite`: each document's packed result keyed by the sha256 of its bytes, and an
  index path -> (sha256, size, mtime). A build re-reads only files whose size or mtime changed,
  re-extracts only content it has not seen, and drops the entries of files that are gone. All
  results are dropped when the build's fingerprint changes (`fingerprint.fingerprint`: the
  per-document code, its data files, the user lexicons, the libraries that shape results), so a
  stored result is always what a fresh build would give.
- `graph.ttl`: the graph of the current corpus, regenerated from all results (the same bytes
  as a fresh build), and published to the output folder.
- `oxigraph/`: a pyoxigraph on-disk store of that graph, updated in place by comparing the new
  graph file with the previous one subject by subject (both are sorted), so adding a day's
  documents touches only their triples; `kg query DIR/oxigraph` opens it directly.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Iterator

from ..errors import KgError

GRAPH = "graph.ttl"
OXIGRAPH = "oxigraph"


class StoreBuildError(KgError):
    """The store folder cannot be used (in use, not a kg store, unwritable)."""


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class ResultStore:
    """The results database of a store folder; one build at a time (a lock file says so)."""

    def __init__(self, root: Path, fp: str):
        self.root = root
        self.fp = fp
        self._lock = None
        self._stat: dict[str, tuple[int, int]] = {}
        self.db: sqlite3.Connection | None = None

    @classmethod
    def open(cls, root, fingerprint: str) -> "ResultStore":
        """The store in folder `root` (made if new), holding only results of this `fingerprint`."""
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise StoreBuildError(f"{root}: --store must be a folder")
        if root.is_dir() and any(root.iterdir()) and not (root / "results.sqlite").exists():
            raise StoreBuildError(f"{root}: not empty and not a kg store; give a new or empty folder")
        try:
            root.mkdir(parents=True, exist_ok=True)
            self = cls(root, fingerprint)
            self._take_lock()
            self.db = sqlite3.connect(root / "results.sqlite", isolation_level=None)
        except OSError as exc:
            raise StoreBuildError(f"{root}: cannot use the store folder: {exc}") from exc
        db = self.db
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS docs (rel TEXT PRIMARY KEY, sha TEXT NOT NULL, size INTEGER,"
                   " mtime INTEGER)")
        db.execute("CREATE TABLE IF NOT EXISTS results (sha TEXT PRIMARY KEY, rel TEXT NOT NULL,"
                   " ents BLOB NOT NULL, blob BLOB NOT NULL)")
        db.execute("BEGIN")
        if self.meta("fingerprint") != self.fp:
            db.execute("DELETE FROM docs")
            db.execute("DELETE FROM results")
            self.set_meta("fingerprint", self.fp)
        return self

    def _take_lock(self) -> None:
        import fcntl

        self._lock = open(self.root / "lock", "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            self._lock = None
            raise StoreBuildError(f"{self.root}: another kg build is using this store") from None

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM meta WHERE key=?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------------------ documents

    def plan(self, docs: list) -> tuple[list, list]:
        """Split documents (`executors.Doc`) into those to process and those whose result is stored."""
        todo, cached = [], []
        known = {rel: (sha, size, mtime) for rel, sha, size, mtime in self.db.execute("SELECT * FROM docs")}
        have = {sha for (sha,) in self.db.execute("SELECT sha FROM results")}
        for doc in docs:
            path, rel = doc.path, doc.rel
            try:
                st = os.stat(path)
            except OSError:
                todo.append(doc)  # reported by the reader
                continue
            self._stat[rel] = (st.st_size, st.st_mtime_ns)
            row = known.get(rel)
            if row and row[1:] == (st.st_size, st.st_mtime_ns) and row[0] in have:
                cached.append(doc)
                continue
            try:
                sha = file_sha256(path)
            except OSError:
                todo.append(doc)
                continue
            if sha in have:
                self.db.execute("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?)", (rel, sha, st.st_size, st.st_mtime_ns))
                cached.append(doc)
            else:
                todo.append(doc)
        return todo, cached

    def put(self, outcome) -> None:
        """File the packed result (and packed entities) of a processed document (an `executors.Outcome`)."""
        rel, sha = outcome.rel, outcome.sha256
        size, mtime = self._stat.get(rel, (None, None))
        self.db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)", (sha, rel, outcome.ents, outcome.packed()))
        self.db.execute("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?)", (rel, sha, size, mtime))

    def forget(self, rel: str) -> None:
        """A document that can no longer be read: its facts leave the graph."""
        self.db.execute("DELETE FROM docs WHERE rel=?", (rel,))

    def prune(self, current: set) -> list[str]:
        """Drop documents no longer in the input and results no document refers to; returns the dropped paths."""
        gone = sorted(rel for (rel,) in self.db.execute("SELECT rel FROM docs") if rel not in current)
        self.db.executemany("DELETE FROM docs WHERE rel=?", [(r,) for r in gone])
        self.db.execute("DELETE FROM results WHERE sha NOT IN (SELECT sha FROM docs)")
        return gone

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def entities(self, rel: str) -> dict:
        """The entities of a stored document's result (all the corpus merge reads of it)."""
        from ..model import move_doc
        from .document import unpack

        row = self.db.execute("SELECT r.rel, r.ents FROM docs d JOIN results r ON d.sha = r.sha WHERE d.rel=?",
                              (rel,)).fetchone()
        ents = unpack(row[1])
        move_doc(ents, row[0], rel)  # first stored under another name (a renamed or copied file)
        return ents

    def results(self, only: set | None = None) -> Iterator:
        """Every stored document's full result (or those of the paths in `only`), sorted by path."""
        from .document import unpack

        cur = self.db.execute("SELECT d.rel, r.blob FROM docs d JOIN results r ON d.sha = r.sha ORDER BY d.rel")
        for rel, blob in cur:
            if only is None or rel in only:
                yield unpack(blob).relabel(rel)

    # ------------------------------------------------------------------------ the graph

    def write_graph(self, merged, out: Path, res, *, base: str, clock) -> dict:
        """Write DIR/graph.ttl from the stored results, bring DIR/oxigraph up to date, publish to out."""
        from .merge import write_graph

        nxt = self.root / "graph.next.ttl"
        stats = write_graph(self.results(), merged, nxt, res, base=base, clock=clock, work_dir=self.root)
        with clock.stage("serialisation"):
            stats["store"] = self._update_oxigraph(nxt)
            _publish(self.root / GRAPH, out)
        return stats

    def _graph_state(self) -> str | None:
        g = self.root / GRAPH
        if not g.exists():
            return None
        st = g.stat()
        return f"{st.st_size}:{st.st_mtime_ns}"

    def _update_oxigraph(self, nxt: Path) -> dict:
        import pyoxigraph as ox

        cur = self.root / GRAPH
        ox_dir = self.root / OXIGRAPH
        consistent = ox_dir.is_dir() and cur.exists() and self.meta("oxigraph") == self._graph_state()
        self.set_meta("oxigraph", None)  # dirty until the store matches graph.ttl again
        self.commit()
        info = {"mode": "rebuilt", "added": 0, "removed": 0}
        if consistent:
            store = ox.Store(str(ox_dir))
            try:
                diff = apply_diff(store, cur, nxt)
                store.flush()
            finally:
                del store
            if diff is not None:
                info = {"mode": "updated", **diff}
        if info["mode"] == "rebuilt":
            tmp = self.root / (OXIGRAPH + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            store = ox.Store(str(tmp))
            try:
                store.bulk_load(path=str(nxt), format=ox.RdfFormat.TURTLE)
                store.flush()
                store.optimize()
            finally:
                del store
            shutil.rmtree(ox_dir, ignore_errors=True)
            os.rename(tmp, ox_dir)
        os.replace(nxt, cur)
        self.set_meta("oxigraph", self._graph_state())
        self.commit()
        return info

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.db is not None:
            try:
                if self.db.in_transaction:
                    self.db.execute("COMMIT")
            finally:
                self.db.close()
                self.db = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def _publish(src: Path, out: Path) -> None:
    """Put src at out atomically: a hard link when they share a file system, else a copy."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


# ---------------------------------------------------------------------------- graph diff


def _blocks(path: Path) -> Iterator[tuple[str, str, str]]:
    """(header, subject line, block text) per subject of a graph file written by kg."""
    with open(path, encoding="utf-8", newline="\n") as fh:
        header = []
        for line in fh:
            if line == "\n":
                break
            header.append(line)
        head = "".join(header)
        block: list[str] = []
        for line in fh:
            if line == "\n":
                if block:
                    yield head, block[0], "".join(block)
                block = []
            else:
                block.append(line)
        if block:
            yield head, block[0], "".join(block)


def _order_key(subject_line: str) -> tuple:
    """Where a subject sits in kg's graph order: evidence nodes first (their key keeps the `<`),
    then the rest by IRI (see GraphBuilder)."""
    iri = subject_line.rstrip("\n")[1:-1]
    evidence = iri.rpartition("-")[0].endswith(("/ev", "#ev"))
    return (0, iri) if evidence else (1, iri)


def _quads(head: str, block: str) -> set:
    import pyoxigraph as ox

    return set(ox.parse(input=(head + "\n" + block).encode("utf-8"), format=ox.RdfFormat.TURTLE))


def apply_diff(store, old: Path, new: Path) -> dict | None:
    """Change store (holding the graph of `old`) into the graph of `new`, block by block.

    Returns counts, or None when the files are not in kg's order (then the caller reloads)."""
    removed = added = 0
    olds, news = _blocks(old), _blocks(new)
    a, b = next(olds, None), next(news, None)
    last_a = last_b = None
    to_add: list = []
    while a is not None or b is not None:
        ka = _order_key(a[1]) if a else None
        kb = _order_key(b[1]) if b else None
        if (ka is not None and last_a is not None and ka <= last_a) or (kb is not None and last_b is not None and kb <= last_b):
            return None
        if b is None or (a is not None and ka < kb):
            for q in _quads(a[0], a[2]):
                store.remove(q)
                removed += 1
            last_a, a = ka, next(olds, None)
        elif a is None or kb < ka:
            qs = _quads(b[0], b[2])
            to_add.extend(qs)
            added += len(qs)
            last_b, b = kb, next(news, None)
        else:
            if a[2] != b[2] or a[0] != b[0]:
                qa, qb = _quads(a[0], a[2]), _quads(b[0], b[2])
                for q in qa - qb:
                    store.remove(q)
                    removed += 1
                to_add.extend(qb - qa)
                added += len(qb - qa)
            last_a, a = ka, next(olds, None)
            last_b, b = kb, next(news, None)
        if len(to_add) >= 100_000:
            store.extend(to_add)
            to_add = []
    if to_add:
        store.extend(to_add)
    return {"added": added, "removed": removed}
