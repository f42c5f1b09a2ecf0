"""`kg viz`: write the interactive HTML page for a built graph."""

from __future__ import annotations

from pathlib import Path

import click

from .common import fail


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@click.command("viz")
@click.argument("graph", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write [default: next to GRAPH, same name, .html].")
@click.option("--title", help="Page title [default: derived from the file name].")
@click.option("--max-nodes", type=click.IntRange(min=1),
              help="Keep only the N entities with the most relations.")
@click.option("--types", "types", multiple=True, metavar="CLASS[,CLASS...]",
              help="Only these entity types, e.g. Zone,Enterprise.")
@click.option("--doc", "docs", multiple=True, metavar="DOC",
              help="Only entities and evidence from this document (source file, its prefix, or IRI); repeatable.")
@click.option("--physics/--no-physics", default=None,
              help="Lay out in the browser (default; frozen after a capped stabilisation) "
                   "or precompute positions with networkx (needs numpy and scipy).")
def viz(graph: Path, out: Path | None, title: str | None, max_nodes: int | None,
        types: tuple[str, ...], docs: tuple[str, ...], physics: bool | None):
    """Write a self-contained, offline HTML page to explore GRAPH (Turtle from `kg build`).

    \b
    The page needs no network: open it by double-click. It has a legend, search by name or
    alias (simplified or traditional), filters by type and relation, a document toggle, and
    shows the evidence sentences (document, rule, offsets) of a clicked node or edge.
    \b
    Example:
      kg viz output/graph.ttl -o graph.html --types Zone,Enterprise --max-nodes 500
    """
    from ..errors import KgError
    from ..viz.page import render

    out = out or graph.with_suffix(".html")
    try:
        summary = render(graph, out, title=title, max_nodes=max_nodes, physics=physics,
                         types=_split(types), docs=_split(docs))
    except (KgError, ValueError, OSError) as exc:
        msg = str(exc)
        if str(graph) not in msg and str(out) not in msg:
            msg = f"{graph}: {msg}"
        fail(msg)
    click.echo(summary.line())
    if summary.nodes == 0:
        click.echo(f"warning: {graph} has no entities of the kg classes; the page is empty", err=True)
