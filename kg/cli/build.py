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
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def build(inputs, out_dir, base, lexicons, strict, jobs, store_dir, engine, scheduler, partitions, html, quiet):
    """Build a knowledge graph from text files and folders (INPUTS) into OUTPUT/graph.ttl.

    Files are read as UTF-8 (with or without BOM), GB18030/GBK or Big5, detected per file.
    A document that cannot be read is reported and skipped (exit 0 if others succeed);
    --strict makes it fatal. The output is written atomically and is byte-identical for
    identical input, whatever the engine, the number of jobs and the order of the inputs.
    """
    from ..build import build as run_build
    from ..rdf.vocab import DEFAULT_BASE

    if base is not None and not base.endswith(("/", "#")):
        fail(f"--base {base!r} must end with '/' or '#'")
    progress = None
    if not quiet and sys.stderr.isatty():
        def progress(p):
            click.echo(f"\r[{p.done}/{p.total}] {p.rel[:60]:<60}", err=True, nl=(p.done == p.total))
    try:
        report = run_build(inputs, out_dir, base=base or DEFAULT_BASE, lexicons=lexicons, strict=strict,
                           progress=progress, jobs=jobs, store=store_dir, html=html, engine=engine,
                           scheduler=scheduler, partitions=partitions)
    except KgError as exc:
        fail(str(exc))
    for error in report.errors:
        click.echo(f"Warning: skipped {error}", err=True)
    if not quiet:
        _summary(report, out_dir, store_dir, html)


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
