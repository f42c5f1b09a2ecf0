"""`kg build`, `kg stats`, `kg validate`: thin wrappers over kg.build, kg.rdf.stats and kg.rdf.validate."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..build.executors import ENGINES
from ..errors import KgError
from .common import CHECK_FAILED, fail, library_errors


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "out_dir", default="output", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write graph.ttl into.")
@click.option("--base", default=None, help="Base IRI for entities and documents "
              "(default https://w3id.org/policykg/id/). Must end with / or #.")
@click.option("--lexicon", "lexicons", multiple=True, type=click.Path(), metavar="TSV",
              help="Your own lexicon (name, type, aliases); overrides the defaults. Repeatable.")
@click.option("--strict", is_flag=True, help="Stop at the first unreadable document instead of skipping it.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default="all cores",
              help="Worker processes (or Dask workers of a local cluster); 1 works in this process.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Incremental build: keep per-document results and an Oxigraph store in DIR; "
              "re-running processes only new or changed files and drops removed ones.")
@click.option("--engine", type=click.Choice(list(ENGINES)), default="local", show_default=True,
              help="Where per-document work runs: local processes, or a Dask cluster (also writes "
              "OUTPUT/nquads/ shards for bulk loading).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="With --engine dask: an existing scheduler (tcp://host:8786); default a local cluster.")
@click.option("--partitions", type=click.IntRange(min=1), default=None,
              help="With --engine dask: number of partitions (and N-Quads shards).")
@click.option("--html/--no-html", default=True, show_default=True,
              help="Also write OUTPUT/graph.html, the offline page of `kg viz` (up to 2,000 entities).")
@click.option("--include", "include", multiple=True, metavar="GLOB",
              help="Take only files in the folders that match GLOB (their path inside the folder, or their "
              "name; case-insensitive). Repeatable.")
@click.option("--exclude", "exclude", multiple=True, metavar="GLOB",
              help="Leave out files that match GLOB (as --include). Repeatable.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def build(inputs, out_dir, base, lexicons, strict, jobs, store_dir, engine, scheduler, partitions, html, include,
          exclude, quiet):
    """Build a knowledge graph from documents and folders (INPUTS) into OUTPUT/graph.ttl.

    Reads .txt, .html/.htm, .pdf (its text layer) and .docx files; a folder is searched for all
    of them, and files of other kinds in it are listed as not read. Text files are read as UTF-8
    (with or without BOM), GB18030/GBK or Big5, detected per file. A document that cannot be read
    is reported and skipped (exit 0 if others succeed); --strict makes it fatal. The output is
    written atomically and is byte-identical for identical input, whatever the engine, the number
    of jobs and the order of the inputs. On a terminal a progress bar shows documents and MB
    done, MB/s and the time left.
    """
    from ..build import build as run_build
    from ..rdf.vocab import DEFAULT_BASE

    if base is not None and not base.endswith(("/", "#")):
        fail(f"--base {base!r} must end with '/' or '#'")
    bar = ProgressBar() if not quiet and sys.stderr.isatty() else None
    try:
        report = run_build(inputs, out_dir, base=base or DEFAULT_BASE, lexicons=lexicons, strict=strict,
                           progress=bar, jobs=jobs, store=store_dir, html=html, engine=engine,
                           scheduler=scheduler, partitions=partitions, include=include, exclude=exclude)
    except KgError as exc:
        if bar is not None:
            bar.close()
        fail(str(exc))
    if bar is not None:
        bar.close()
    for error in report.errors:
        click.echo(f"Warning: skipped {error}", err=True)
    if report.unsupported:
        click.echo(_not_read(report.unsupported), err=True)
    if not quiet:
        _summary(report, out_dir, store_dir, html)


class ProgressBar:
    """The progress bar of a build on a terminal (tqdm, on standard error): documents done,
    MB done of the total, MB/s and the time left, from the driver's `Progress` events."""

    def __init__(self):
        self.bar = None

    def __call__(self, p) -> None:
        if self.bar is None:
            from tqdm import tqdm

            total = p.bytes_total / 2**20
            digits = 2 if total < 10 else 1
            self.bar = tqdm(total=total, unit="MB", file=sys.stderr, leave=True, mininterval=0.2, **_width(),
                            desc=f"{p.done}/{p.total} documents", initial=0,
                            bar_format=f"{{desc}} |{{bar}}| {{n:.{digits}f}}/{{total:.{digits}f}} MB "
                                       "[{elapsed}<{remaining}, {rate_noinv_fmt}]")
        self.bar.set_description_str(f"{p.done}/{p.total} documents", refresh=False)
        self.bar.update(p.bytes_done / 2**20 - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _width() -> dict:
    """Follow the terminal's size; a terminal that reports none (a new pseudo-terminal) gets
    $COLUMNS x $LINES or 100 x 24 (tqdm hides a bar on a terminal of 0 lines)."""
    import os
    import shutil

    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except OSError:
        size = os.terminal_size((0, 0))
    if size.columns > 0 and size.lines > 0:
        return {"dynamic_ncols": True}
    fallback = shutil.get_terminal_size((100, 24))
    return {"ncols": fallback.columns, "nrows": fallback.lines}


def _not_read(files: list[str], shown: int = 10) -> str:
    """One line naming the files of kinds kg does not read (the first `shown` of them)."""
    from ..ingest.formats import SUFFIXES

    names = ", ".join(files[:shown]) + (f" and {len(files) - shown} more" if len(files) > shown else "")
    return (f"Not read: {len(files)} file(s) of kinds kg does not read ({names}); "
            f"it reads {' '.join(SUFFIXES)}")


def _summary(report, out_dir, store_dir, html: bool) -> None:
    classes = ", ".join(f"{k} {v}" for k, v in sorted(report.by_class.items()))
    skipped = f", {len(report.errors)} skipped" if report.errors else ""
    click.echo(f"{report.documents} documents read{skipped} -> {report.output}: {report.entities} entities "
               f"({classes}), {report.relations} relation statements, {report.triples} triples")
    if report.html:
        click.echo(f"graph page -> {report.html}")
    elif html:
        click.echo(f"graph page skipped: {report.triples} triples is too many for one page; "
                   f"use kg viz with --types, --doc or --max-nodes", err=True)
    if store_dir:
        removed = f", {len(report.removed)} removed" if report.removed else ""
        click.echo(f"store {store_dir}: {report.extracted} processed, {report.reused} unchanged{removed}; "
                   f"Oxigraph store {report.store.get('mode', '')} ({Path(store_dir) / 'oxigraph'})")
    if report.quads:
        click.echo(f"N-Quads: {report.quads} quads in {Path(out_dir) / 'nquads'} (one named graph per document)")


@click.command()
@click.argument("graph", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(graph, fmt):
    """Count entities per class and relations per property in GRAPH (a Turtle file)."""
    import json

    from ..rdf.stats import graph_stats

    with library_errors():
        result = graph_stats(graph)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True))
        return
    for section in ("classes", "relations"):
        click.echo(section)
        for name, count in result[section].items():
            click.echo(f"  {name:<20}{count:>8}")
    click.echo(f"documents {result['documents']}  evidence {result['evidence']}  triples {result['triples']}")


@click.command()
@click.argument("graph", type=click.Path())
@click.option("--shapes", type=click.Path(file_okay=False), default=None, help="Folder with shapes.ttl (default: ontology/).")
@click.option("-v", "--verbose", is_flag=True, help="Print the full validation report.")
def validate(graph, shapes, verbose):
    """Check GRAPH against the project's SHACL shapes: exit 0 conforms, 1 does not, 2 error."""
    from ..rdf.validate import validate as run_validate

    with library_errors():
        result = run_validate(graph, shapes)
    if result.conforms:
        click.echo(f"{graph}: conforms")
        return
    click.echo(f"{graph}: does not conform ({result.violations} violations)")
    for v in result.examples(20):
        click.echo(f"  {v.focus} {v.path or ''}: {v.message}")
    if verbose:
        click.echo(result.results_text)
    fail("", CHECK_FAILED)  # the lines above say why
