"""Thin click layer over the library: parse options, call one function, map errors to exit codes.

Exit codes: 0 ok, 1 a check failed (validate, eval), 2 bad usage or bad input.
Subcommands live in their own modules and are imported only when invoked.
"""

from __future__ import annotations

import importlib

import click

from .common import fail

# name -> "module:attribute"; modules are imported only when their command runs.
COMMANDS = {
    "build": "kg.cli.build:build",
    "stats": "kg.cli.build:stats",
    "validate": "kg.cli.build:validate",
    "eval": "kg.cli.eval:eval_cmd",
    "query": "kg.cli.query:query",
    "serve": "kg.cli.query:serve",
    "export": "kg.cli.query:export",
    "viz": "kg.cli.viz:viz",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (keeps `kg --help` fast)."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:  # a command not yet installed
            fail(f"command {name!r} is unavailable: {exc}")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main():
    """Turn Chinese regional-development policy texts into a knowledge graph.

    \b
    Typical use:
      kg build seeds/ -o output/              # texts -> output/graph.ttl and graph.html
      kg stats output/graph.ttl               # what is in it
      kg validate output/graph.ttl            # SHACL check against the ontology
      kg query output/graph.ttl --list        # the named queries; run one with --name
      kg eval output/graph.ttl seeds/gold     # precision and recall against gold files
      kg viz output/graph.ttl -o page.html    # the offline graph page
    """
