"""`kg eval`: score a built graph against gold annotations (thin wrapper over kg.evaluate)."""

from __future__ import annotations

import click

from .common import CHECK_FAILED, fail, library_errors


@click.command("eval")
@click.argument("graph", type=click.Path(dir_okay=False))
@click.argument("gold", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Also list missed and spurious entities and relations.")
@click.option("--doc", "docs", multiple=True, metavar="STEM",
              help="Score only the gold files of this document (file stem). Repeatable.")
@click.option("--min-entity-f1", type=click.FloatRange(0, 1), help="Exit 1 when entity F1 is below this.")
@click.option("--min-relation-f1", type=click.FloatRange(0, 1), help="Exit 1 when relation F1 is below this.")
def eval_cmd(graph, gold, fmt, verbose, docs, min_entity_f1, min_relation_f1):
    """Score GRAPH (Turtle or another RDF file) against GOLD annotation files or folders of them.

    Gold files follow seeds/gold/GUIDELINES.md (seeds/gold/ holds those of the seeds). Prints
    precision, recall and F1 per entity type and per relation, and the precision of each
    extraction rule (from the evidence nodes); the figures agree with the project's reference
    scorer (kg_score.py). The last line of the table output is the headline figure.

    Exit status: 0, 1 when a --min-* threshold is not met, 2 on bad input (a missing file,
    a graph that does not parse, a malformed gold file).
    """
    import json

    from ..eval.score import ALL, evaluate, format_report

    with library_errors():
        report = evaluate(graph, gold, only_docs=docs or None)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(verbose), ensure_ascii=False, indent=1))
    else:
        click.echo(format_report(report, verbose))
    failed = []
    for what, table, bar in (("entity", report.entities, min_entity_f1),
                             ("relation", report.relations, min_relation_f1)):
        if bar is not None and table[ALL].f1 < bar:
            failed.append(f"{what} F1 {table[ALL].f1:.3f} < {bar}")
    if failed:
        fail("; ".join(failed), CHECK_FAILED)
