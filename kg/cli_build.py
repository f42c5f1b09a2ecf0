"""`kg build`, `kg stats`, `kg validate`: thin wrappers over kg.pipeline, kg.stats and kg.validate."""

from __future__ import annotations

import sys

import click

from .errors import KgError


def fail(message: str, code: int = 2):
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "out_dir", default="output", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write graph.ttl into.")
@click.option("--base", default=None, help="Base IRI for entities and documents "
              "(default https://w3id.org/policykg/id/). Must end with / or #.")
@click.option("--lexicon", "lexicons", multiple=True, type=click.Path(), metavar="TSV",
              help="Your own lexicon (name, type, aliases); overrides the defaults. Repeatable.")
@click.option("--strict", is_flag=True, help="Stop at the first unreadable document instead of skipping it.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def build(inputs, out_dir, base, lexicons, strict, quiet):
    """Build a knowledge graph from text files and folders (INPUTS) into OUTPUT/graph.ttl.

    Files are read as UTF-8 (with or without BOM), GB18030/GBK or Big5, detected per file.
    A document that cannot be read is reported and skipped (exit 0 if others succeed);
    --strict makes it fatal. The output is written atomically and is byte-identical for
    identical input.
    """
    from .pipeline import build as run_build
    from .vocab import DEFAULT_BASE

    if base is not None and not base.endswith(("/", "#")):
        fail(f"--base {base!r} must end with '/' or '#'")
    progress = None
    if not quiet and sys.stderr.isatty():
        def progress(i, n, name):
            click.echo(f"\r[{i}/{n}] {name[:60]:<60}", err=True, nl=(i == n))
    try:
        report = run_build(inputs, out_dir, base=base or DEFAULT_BASE, lexicons=lexicons, strict=strict,
                           progress=progress)
    except KgError as exc:
        fail(str(exc))
    for path, message in report.failed:
        click.echo(f"Warning: skipped {message}", err=True)
    if not quiet:
        classes = ", ".join(f"{k} {v}" for k, v in sorted(report.by_class.items()))
        click.echo(f"{report.documents} documents -> {report.output}: {report.entities} entities ({classes}), "
                   f"{report.relations} relation statements, {report.triples} triples")


@click.command()
@click.argument("graph", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(graph, fmt):
    """Count entities per class and relations per property in GRAPH (a Turtle file)."""
    import json

    from .stats import graph_stats

    try:
        result = graph_stats(graph)
    except KgError as exc:
        fail(str(exc))
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
    from .validate import validate as run_validate

    try:
        result = run_validate(graph, shapes)
    except KgError as exc:
        fail(str(exc))
    if result.conforms:
        click.echo(f"{graph}: conforms")
        return
    click.echo(f"{graph}: does not conform ({result.violations} violations)")
    for v in result.examples(20):
        click.echo(f"  {v.focus} {v.path or ''}: {v.message}")
    if verbose:
        click.echo(result.results_text)
    sys.exit(1)
