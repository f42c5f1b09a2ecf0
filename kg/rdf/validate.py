"""SHACL validation of a built graph against ontology/shapes.ttl.

`validate(path_or_graph)` returns a `ValidationResult`; `ontology_dir()` finds the ontology
files both in a source checkout and in an installed package.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataFileError, InputError, KgError
from .formats import format_name
from .vocab import PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

ONTOLOGY_FILE = "kg.ttl"
SHAPES_FILE = "shapes.ttl"
_SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL validation result, with terms as N-Triples-style strings."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str           # local name: Violation, Warning or Info
    shape: str | None       # the shape that reported it (a blank node id for anonymous shapes)
    component: str | None   # the SHACL constraint component, e.g. sh:MinCountConstraintComponent


@dataclass(frozen=True, slots=True)
class ValidationResult:
    conforms: bool
    violations: int                 # results with severity sh:Violation
    results: tuple[Violation, ...]  # every result, sorted by focus node, path, message
    results_text: str               # human-readable report, IRIs shortened with known prefixes

    def examples(self, n: int = 10) -> tuple[Violation, ...]:
        """The first `n` results, for a short report."""
        return self.results[:n]


def ontology_dir() -> Path:
    """The directory holding kg.ttl and shapes.ttl.

    `<repo>/ontology` when running from a source tree, else the copy shipped inside the
    installed package as `kg/rdf/ontology_data`.
    """
    source = Path(__file__).resolve().parents[2] / "ontology"
    if (source / ONTOLOGY_FILE).is_file() and (source / SHAPES_FILE).is_file():
        return source
    from importlib.resources import files

    packaged = Path(str(files(__package__) / "ontology_data"))
    if (packaged / SHAPES_FILE).is_file():
        return packaged
    raise KgError(f"ontology files not found: looked for {SHAPES_FILE} in {source} and {packaged}")


def _term(node) -> str | None:
    return None if node is None else node.n3()


# kg.rdf.formats names -> rdflib parser names (pySHACL checks an rdflib graph)
_RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "rdfxml": "xml"}


def _load_data(data):
    from rdflib import Graph

    if isinstance(data, Graph):
        return data
    path = Path(data)
    if not path.exists():
        raise InputError(path, "no such file")
    if not path.is_file():
        raise InputError(path, "not a file")
    fmt = _RDFLIB_FORMATS[format_name(path)]
    graph = Graph()
    try:
        graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        raise InputError(path, f"cannot be parsed as {fmt}: {exc}") from exc
    return graph


def _load_shapes(shapes_dir: Path):
    from rdflib import Graph

    path = shapes_dir / SHAPES_FILE
    if not path.is_file():
        raise DataFileError(path, None, "SHACL shapes file is missing")
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:
        raise DataFileError(path, None, f"cannot be parsed as Turtle: {exc}") from exc
    return graph


def _collect(report) -> list[Violation]:
    from rdflib import RDF, Namespace

    sh = Namespace(_SH)
    found = []
    # Only the report's own results: nested sh:detail results (from sh:node) are also
    # typed sh:ValidationResult but describe the nested node, not a defect of their own.
    top = report.value(predicate=RDF.type, object=sh.ValidationReport)
    for res in report.objects(top, sh.result):
        severity = report.value(res, sh.resultSeverity)
        found.append(
            Violation(
                focus=_term(report.value(res, sh.focusNode)) or "",
                path=_term(report.value(res, sh.resultPath)),
                value=_term(report.value(res, sh.value)),
                message=str(report.value(res, sh.resultMessage) or ""),
                severity=str(severity).removeprefix(_SH) if severity else "Violation",
                shape=_term(report.value(res, sh.sourceShape)),
                component=_term(report.value(res, sh.sourceConstraintComponent)),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class _SparqlCheck:
    shape: object
    select: str
    message: str
    severity: str
    targets: tuple  # (target, term) pairs: target is a sh:target* local name


_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")


def _take_sparql_checks(shapes) -> list[_SparqlCheck]:
    """Remove the SPARQL constraints of node shapes from `shapes` and return them.

    pySHACL re-parses a constraint's query for every focus node (about 50 ms each), which
    makes a few thousand evidence nodes take minutes; running each query once over the
    whole graph gives the same results. Constraints this runner cannot reproduce exactly
    (property shapes, sh:prefixes, $PATH/$shapesGraph/$currentShape, ?failure, other
    targets) are left in place for pySHACL.
    """
    from rdflib import Literal, Namespace

    sh = Namespace(_SH)
    taken = []
    for shape, constraint in list(shapes.subject_objects(sh.sparql)):
        select = shapes.value(constraint, sh.select)
        if (
            select is None
            or shapes.value(shape, sh.path) is not None
            or shapes.value(constraint, sh.prefixes) is not None
            or any(v in str(select) for v in ("$PATH", "$shapesGraph", "$currentShape", "failure"))
        ):
            continue
        targets = tuple(
            (target, t) for target in _TARGETS for t in shapes.objects(shape, sh[target])
        )
        if not targets or any(shapes.objects(shape, sh.target)):
            continue
        shapes.remove((shape, sh.sparql, constraint))
        if Literal(True) in (
            shapes.value(constraint, sh.deactivated),
            shapes.value(shape, sh.deactivated),
        ):
            continue
        message = shapes.value(constraint, sh.message) or shapes.value(shape, sh.message) or ""
        severity = shapes.value(shape, sh.severity)
        taken.append(
            _SparqlCheck(
                shape=shape,
                select=str(select),
                message=str(message),
                severity=str(severity).removeprefix(_SH) if severity else "Violation",
                targets=targets,
            )
        )
    return taken


def _focus_nodes(graph, targets) -> set:
    from rdflib import RDF, RDFS

    nodes = set()
    for target, term in targets:
        if target == "targetClass":  # SHACL instances: subclasses (in the data graph) count
            for cls in graph.transitive_subjects(RDFS.subClassOf, term):
                nodes.update(graph.subjects(RDF.type, cls))
        elif target == "targetNode":
            nodes.add(term)
        elif target == "targetSubjectsOf":
            nodes.update(graph.subjects(term, None))
        else:
            nodes.update(graph.objects(None, term))
    return nodes


def _run_sparql_checks(graph, checks: list[_SparqlCheck]) -> list[Violation]:
    """Run each SPARQL constraint once, with $this free, and keep rows about focus nodes."""
    found = []
    for check in checks:
        focus = _focus_nodes(graph, check.targets)
        if not focus:
            continue
        for row in graph.query(check.select):
            binding = row.asdict()
            this = binding.get("this")
            if this not in focus:
                continue
            message = check.message
            for name, term in binding.items():
                message = message.replace("{?%s}" % name, _short(term.n3()))
                message = message.replace("{$%s}" % name, _short(term.n3()))
            found.append(
                Violation(
                    focus=this.n3(),
                    path=_term(binding.get("path")),
                    value=_term(binding.get("value", this)),
                    message=message,
                    severity=check.severity,
                    shape=check.shape.n3(),
                    component=f"<{_SH}SPARQLConstraintComponent>",
                )
            )
    return found


# The project's prefixes and the two of the shapes graph.
_PREFIXES = PREFIXES | {"kgsh": "https://w3id.org/policykg/shapes#", "sh": _SH}


def _short(term: str) -> str:
    """`<https://w3id.org/policykg/ns#locatedIn>` -> `kg:locatedIn`, also in literal datatypes."""
    import re

    def shorten(match: re.Match) -> str:
        iri = match.group(1)
        for prefix, ns in _PREFIXES.items():
            local = iri[len(ns):]
            if iri.startswith(ns) and re.fullmatch(r"[\w.-]*", local):
                return f"{prefix}:{local}"
        return match.group(0)

    return re.sub(r"<([^<>\s\"]*)>", shorten, term)


def _report_text(conforms: bool, results) -> str:
    lines = ["Validation Report", f"Conforms: {conforms}", f"Results ({len(results)}):"]
    for r in results:
        lines.append(f"{r.severity}: {_short(r.focus)}")
        for label, value in (("path", r.path), ("value", r.value), ("constraint", r.component)):
            if value is not None:
                lines.append(f"    {label}: {_short(value)}")
        lines.append(f"    {r.message}")
    return "\n".join(lines) + "\n"


def validate(data: str | Path | Graph, shapes_dir: str | Path | None = None) -> ValidationResult:
    """Check a graph (a file path or an rdflib Graph) against the project's SHACL shapes.

    No inference is run: the builder types every node explicitly, so the shapes are
    checked on the graph exactly as written. Raises InputError for a missing or
    unparseable data file and DataFileError for a broken shapes file.
    """
    import pyshacl

    shapes = _load_shapes(Path(shapes_dir) if shapes_dir is not None else ontology_dir())
    checks = _take_sparql_checks(shapes)
    graph = _load_data(data)
    _, report, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=False,
        advanced=False,
    )
    results = _collect(report) + _run_sparql_checks(graph, checks)
    results.sort(key=lambda v: (v.focus, v.path or "", v.message, v.value or ""))
    results = tuple(dict.fromkeys(results))
    conforms = not results
    violations = sum(1 for r in results if r.severity == "Violation")
    return ValidationResult(
        conforms=conforms,
        violations=violations,
        results=results,
        results_text=_report_text(conforms, results),
    )
