"""`kg query`, `kg serve`, `kg export`: thin click commands over kg.query (request, store, serve, export)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..query.paging import DEFAULT_LIMIT
from .common import fail, library_errors

OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "nt")


def _list_queries() -> None:
    from ..query.store import named_queries

    click.echo(f"Named queries print their first {DEFAULT_LIMIT} rows (default --limit "
               f"{DEFAULT_LIMIT}); --offset N skips N rows (the next page), --all prints every "
               f"row.\n")
    for name, q in named_queries().items():
        click.echo(f"{name}\n    {q.title}")
        if q.description:
            click.echo(f"    {q.description}")
        for pname, required, help_ in q.params:
            need = "required" if required else "optional"
            click.echo(f"    --param {pname}=...  ({need}) {help_}")
        click.echo("")


@click.command()
@click.argument("graph", required=False, type=click.Path(path_type=Path))
@click.argument("sparql", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--name", "-n", "query_name", metavar="NAME",
              help="Run a named query shipped with kg (see --list).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="Value for a $KEY placeholder, inserted as an escaped string literal.")
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table",
              show_default=True, help="SELECT: table/csv/tsv/json/xml; CONSTRUCT: table(=turtle)/"
              "turtle/nt/json(JSON-LD). ASK prints true or false.")
@click.option("--memory", is_flag=True,
              help="Load the graph in memory instead of using the on-disk store next to it.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help=f"Print at most N rows. A named query prints {DEFAULT_LIMIT} unless given "
              f"--limit or --all; your own query prints every row unless given --limit.")
@click.option("--offset", type=click.IntRange(min=0), default=0, metavar="N",
              help="Skip the first N rows (--offset 100 shows the second page of 100).")
@click.option("--all", "all_rows", is_flag=True, help="Print every row: the full, unpaged answer.")
@click.option("--show", is_flag=True, help="Print the query with parameters and PREFIX lines "
              "filled in (to paste into another store) instead of running it.")
def query(graph, sparql, query_file, query_name, list_queries, params, fmt, memory, limit,
          offset, all_rows, show):
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) on GRAPH.

    GRAPH is a .ttl/.nt/.nq/.trig file or an Oxigraph store folder. The first query builds an
    on-disk store next to the file (GRAPH.oxigraph/), reused until the file changes.
    The query is SPARQL (the text, or - to read it from standard input), --file or --name.
    The prefixes kg: id: rdf: rdfs: skos: dcterms: prov: xsd: are predeclared.

    A named query prints one page of rows (see --limit) unless given --all; its rows come
    in a fixed order, so pages add up (--limit 100, then --limit 100 --offset 100: the first
    200 rows of --all). When more rows follow a page, a note on stderr says so.

    A SERVICE clause is run: the query then fetches from the endpoint it names, over the
    network, as this user (`kg serve` refuses SERVICE unless started with --allow-service).

    \b
    Examples:
      kg query output/graph.ttl --list
      kg query output/graph.ttl --name enterprises-by-zone --param zone=兰州新区
      kg query output/graph.ttl --name documents --offset 100      # rows 101-200
      kg query output/graph.ttl --name documents --all --format csv
      kg query output/graph.ttl --name evidence-for --param name=兰州新区 --format csv
      kg query output/graph.ttl 'SELECT ?z ?l WHERE { ?z a kg:Zone ; rdfs:label ?l }'
      kg query --show --name shared-industries > shared.rq
    """
    if list_queries:
        _list_queries()
        return
    if show and graph is not None and sparql is None and query_file is None and query_name is None:
        sparql, graph = str(graph), None  # `kg query --show 'SELECT ...'`
    if graph is None and not show:
        fail("missing GRAPH (a .ttl/.nt/.nq/.trig file or a store folder)")
    try:
        _run(graph, sparql, query_file, query_name, params, fmt, memory, show,
             (limit, offset, all_rows))
    except BrokenPipeError:  # `kg query ... | head`
        sys.stderr.close()


def _run(graph, sparql, query_file, query_name, params, fmt, memory, show, paging) -> None:
    """Resolve the query, then print it (--show) or the page of its result asked for."""
    from ..query.paging import choose_limit, run_request
    from ..query.request import resolve_query
    from ..query.store import open_store, portable_query

    limit, offset, all_rows = paging
    with library_errors():
        request = resolve_query(sparql=sparql, file=query_file, name=query_name, params=params)
        limit = choose_limit(named=request.name is not None, limit=limit, all_rows=all_rows)
    if show:
        click.echo(portable_query(request.text, request.params))
        return
    with library_errors():
        store = open_store(graph, memory=memory)
    with library_errors(f"{request.origin}: "):
        page = run_request(store, request, limit=limit, offset=offset)
    with library_errors():
        page.result.write(sys.stdout.buffer, fmt)
    sys.stdout.buffer.flush()
    if page.more:
        click.echo(f"More rows follow: --offset {offset + limit} for the next page, --all for "
                   f"every row.", err=True)


def _origins(ctx, param, values):
    from ..query.serve import normalize_origin

    try:
        return tuple(normalize_origin(v) for v in values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _names(ctx, param, values):
    out = []
    for v in values:
        name = v.strip()
        bare = name.strip("[]")
        if not name or any(c in name for c in "/@ \t") or (":" in bare and not _is_ipv6(bare)):
            raise click.BadParameter(f"{v!r}: give a host name or address such as "
                                     f"kg.example.org (no scheme, path or port)")
        out.append(bare.lower())
    return tuple(out)


def _is_ipv6(text: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(text).version == 6
    except ValueError:
        return False


@click.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but a loopback address exposes the graph to the "
                   "network.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535))
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run before it is stopped.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Rows returned at most; longer results are cut (header X-KG-Truncated).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Queries that can run at the same time.")
@click.option("--memory", is_flag=True, help="Load the graph in memory in each worker.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN", callback=_origins,
              help="Let web pages from ORIGIN (e.g. http://127.0.0.1:8000) read answers "
                   "(repeatable; '*' for any page). Off by default: other sites' pages are "
                   "refused.")
@click.option("--public-name", "public_names", multiple=True, metavar="NAME", callback=_names,
              help="A name clients use to reach this server (behind a proxy, or with --host): "
                   "requests whose Host is not NAME, the bound address or a loopback name are "
                   "refused (repeatable).")
@click.option("--allow-service", is_flag=True,
              help="Run SERVICE (federated) clauses. They make the server fetch any URL a "
                   "query names, including addresses only this machine can reach.")
def serve(graph, host, port, timeout, max_rows, workers, memory, cors, public_names,
          allow_service):
    """Serve GRAPH as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql.

    Refused: updates; SERVICE queries (unless --allow-service); requests from web pages of
    other origins (unless --cors); on loopback, requests whose Host header is not this
    server's name (DNS rebinding).

    \b
    curl 'http://127.0.0.1:7878/sparql' -H 'Accept: text/csv' \\
         --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5'
    """
    from ..query.serve import is_loopback, make_server

    with library_errors(oserror=f"cannot listen on {host}:{port}"):
        server = make_server(graph, host, port, timeout=timeout, max_rows=max_rows,
                             workers=workers, memory=memory, allow_service=allow_service,
                             cors=cors, public_names=public_names)
    if not is_loopback(host):
        hint = "" if public_names else (" Add --public-name NAME to refuse requests sent to "
                                        "other names.")
        click.echo(f"Warning: listening on {host}: anyone who can reach this address can "
                   f"query the graph.{hint}", err=True)
    if allow_service:
        click.echo("Warning: --allow-service: queries can make this server fetch any URL it "
                   "can reach, including services that only this machine can reach.", err=True)
    if "*" in cors:
        click.echo("Warning: --cors '*': any web page open in a browser that can reach this "
                   "server can read the graph.", err=True)
    click.echo(f"Serving {graph} read-only at {server.url}  (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--format", "fmt", required=True,
              type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf", "csv"]),
              help="nq/trig: one named graph per document; jsonld: with a .context.jsonld "
                   "file; graphml/gexf: for Gephi, yEd, Cytoscape; csv: nodes.csv + edges.csv "
                   "for neo4j-admin import (a folder, or a .zip if OUT ends in .zip).")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="Output file or folder [default: next to GRAPH].")
@click.option("--memory", is_flag=True, help="Do not use or build the on-disk store.")
def export(graph, fmt, out, memory):
    """Write GRAPH in another format to a file next to it, and print the paths written.

    output/graph.ttl --format nt writes output/graph.nt (-o for another place); the same
    graph always gives the same bytes. Nothing is written to standard output but the paths.
    """
    from ..query.export import export as do_export

    with library_errors(oserror=f"cannot write {out or 'the export'}"):
        written = do_export(graph, fmt, out, memory=memory)
    for path in written:
        click.echo(str(path))
