"""Score a built graph against gold annotations (the format of shared/gold/GUIDELINES.md).

The figures follow the reference scorer `shared/tools/kg_score.py` exactly:

- corpus-level: gold entities with the same type and folded canonical name are merged across
  files; an alias that several gold entities of one type share is ambiguous and dropped;
- names are folded (NFKC, traditional to simplified script, no whitespace or quotation marks);
- the graph is read by local names: an entity is `?e a ?Class` for the seven entity classes,
  its names are the literals of rdfs:label, skos:prefLabel/altLabel/hiddenLabel, schema:name/
  alternateName, foaf:name; a relation is any `?s ?p ?o` whose predicate is one of the six
  relations;
- entities: a maximum bipartite matching per type between output nodes and gold entities that
  share a folded name;
- relations: endpoints resolved to gold entities through their names (a node may stand for any
  gold entity whose name it carries); holdsPost objects match when one title contains the other;
  cooperatesWith matches in either direction.

Beyond the reference scorer: per-rule precision of relations, read from the evidence nodes
(`rdf:Statement` with rdf:subject/predicate/object and a `rule` id), and gold validation that
names the file and the entry at fault.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ..errors import KgError
from ..rdf import reader
from ..rdf.vocab import ENTITY_CLASSES, RELATIONS

TYPES = ENTITY_CLASSES
SYMMETRIC = frozenset({"cooperatesWith"})
LITERAL_OBJECT = frozenset({"holdsPost"})
ALL = "ALL"

_NOT_NAME_CHARS = re.compile(r"[\s\"'“”‘’「」『』《》〈〉]")


class GoldError(KgError):
    """A gold file is missing or malformed; the message names the file and the entry."""

    def __init__(self, path, problem: str, entry: str | None = None):
        self.path = str(path)
        self.entry = entry
        self.problem = problem
        where = f"{self.path}: {entry}" if entry else self.path
        super().__init__(f"{where}: {problem}")


@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """The key names are compared by: NFKC, simplified script, no whitespace or quotation marks."""
    from ..text import to_simplified

    return _NOT_NAME_CHARS.sub("", to_simplified(unicodedata.normalize("NFKC", str(name))))


# ---------------------------------------------------------------- gold


@dataclass(eq=False)  # identity semantics: one object per real-world thing
class GoldEntity:
    type: str
    name: str
    names: set[str] = field(default_factory=set)
    docs: set[str] = field(default_factory=set)

    def __repr__(self) -> str:
        return f"{self.type}:{self.name}"


@dataclass
class Gold:
    entities: list[GoldEntity]
    relations: set[tuple]  # (GoldEntity, predicate, GoldEntity | folded post title)
    files: list[str]


def gold_files(paths: Iterable) -> list[Path]:
    """JSON files given directly, and the *.json files directly inside given folders, in order."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(p.glob("*.json"))
        elif p.is_file():
            files.append(p)
        else:
            raise GoldError(p, "no such file or folder")
    return files


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise GoldError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise GoldError(path, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except OSError as exc:
        raise GoldError(path, f"cannot read: {exc.strerror or exc}") from None
    if not isinstance(data, dict):
        raise GoldError(path, "the top level must be an object with 'entities' and 'relations'")
    for key in ("entities", "relations"):
        if not isinstance(data.get(key), list):
            raise GoldError(path, f"missing {key!r} list")
    meta = data.get("document") or {}
    if not isinstance(meta, dict) or not isinstance(meta.get("file") or "", str):
        raise GoldError(path, "'document' must be an object whose 'file' is a string")
    return data


def _entry(section: str, i: int, item) -> str:
    return f"{section}[{i}] {json.dumps(item, ensure_ascii=False)}"


def _check_entity(path: Path, i: int, e) -> None:
    where = _entry("entities", i, e)
    if not isinstance(e, dict):
        raise GoldError(path, "an entity must be an object", where)
    if e.get("type") not in TYPES:
        raise GoldError(path, f"unknown type {e.get('type')!r} (expected one of {', '.join(TYPES)})", where)
    if not isinstance(e.get("name"), str) or not fold(e["name"]):
        raise GoldError(path, "'name' must be a non-empty string", where)
    aliases = e.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise GoldError(path, "'aliases' must be a list of strings", where)


def _check_relation(path: Path, i: int, r, by_name: dict, types_of: dict) -> None:
    where = _entry("relations", i, r)
    if not isinstance(r, dict) or not all(isinstance(r.get(k), str) for k in ("subject", "predicate", "object")):
        raise GoldError(path, "a relation must be an object with string 'subject', 'predicate' and 'object'", where)
    if r["predicate"] not in RELATIONS:
        raise GoldError(path, f"unknown predicate {r['predicate']!r} (expected one of {', '.join(RELATIONS)})",
                        where)
    ends = ("subject",) if r["predicate"] in LITERAL_OBJECT else ("subject", "object")
    for end in ends:
        name = r[end]
        if name not in by_name:
            raise GoldError(path, f"{end} {name!r} is not the name of an entity in this file", where)
        if len(types_of[name]) > 1:
            raise GoldError(path, f"{end} {name!r} names entities of several types "
                            f"({', '.join(sorted(types_of[name]))}); rename one of them", where)


def load_gold(paths: Iterable, only_docs: Iterable[str] | None = None) -> Gold:
    """Read and validate gold files; merge entities across files by (type, folded name)."""
    paths = list(paths)
    only = set(only_docs) if only_docs is not None else None
    entities: dict[tuple[str, str], GoldEntity] = {}
    relations: set[tuple] = set()
    used: list[str] = []
    for path in gold_files(paths):
        data = _read_json(path)
        doc = (data.get("document") or {}).get("file") or path.stem
        if only is not None and Path(doc).stem not in only and doc not in only:
            continue
        used.append(path.name)
        by_name: dict[str, GoldEntity] = {}
        types_of: dict[str, set[str]] = defaultdict(set)
        for i, e in enumerate(data["entities"]):
            _check_entity(path, i, e)
            key = (e["type"], fold(e["name"]))
            g = entities.setdefault(key, GoldEntity(e["type"], e["name"], {key[1]}))
            g.names |= {fold(a) for a in e.get("aliases", [])} - {""}
            g.docs.add(doc)
            by_name[e["name"]] = g
            types_of[e["name"]].add(e["type"])
        for i, r in enumerate(data["relations"]):
            _check_relation(path, i, r, by_name, types_of)
            p = r["predicate"]
            obj = fold(r["object"]) if p in LITERAL_OBJECT else by_name[r["object"]]
            relations.add((by_name[r["subject"]], p, obj))
    if not used:
        raise GoldError(", ".join(map(str, paths)), "no gold files selected")
    _drop_ambiguous_aliases(entities.values())
    return Gold(list(entities.values()), relations, used)


def _drop_ambiguous_aliases(entities: Iterable[GoldEntity]) -> None:
    """An alias shared by several gold entities of one type tells nothing: keep it on none of them."""
    owners: dict[tuple[str, str], list[GoldEntity]] = defaultdict(list)
    for g in entities:
        for n in g.names:
            owners[(g.type, n)].append(g)
    for (_, n), gs in owners.items():
        if len(gs) > 1:
            for g in gs:
                if n != fold(g.name):
                    g.names.discard(n)


# ---------------------------------------------------------------- graph


@dataclass
class GraphFacts:
    """What the scorer reads from a graph: nodes' classes and folded names, relations, evidence."""

    types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    relations: list[tuple] = field(default_factory=list)  # (node, predicate local name, node | Literal)
    evidence: list[tuple[str, tuple]] = field(default_factory=list)  # (rule id, relation triple)


def read_graph(graph) -> GraphFacts:
    """Entities, names, relations and evidence of a graph file, read as the reference scorer does:
    by local names, in any namespace."""
    model = reader.read_graph(graph, any_namespace=True)
    return GraphFacts(
        types={iri: node.types for iri, node in model.nodes.items() if node.types},
        names={iri: {fold(n) for n in node.names} for iri, node in model.nodes.items() if node.names},
        relations=model.relations,
        evidence=[(rule, (ev.subject, ev.relation, ev.object)) for ev in model.evidence for rule in ev.rules])


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Score:
    tp: int
    output: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.output if self.output else (0.0 if self.gold else 1.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else (0.0 if self.output else 1.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "tp": self.tp, "output": self.output, "gold": self.gold}


@dataclass(frozen=True)
class RuleScore:
    """Distinct relations (as the scorer resolves them) that a rule supports, and how many are right."""

    output: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.output if self.output else 0.0

    def as_dict(self) -> dict:
        return {"precision": self.precision, "correct": self.correct, "output": self.output}


@dataclass
class EvalReport:
    entities: dict[str, Score]
    relations: dict[str, Score]
    rules: dict[str, RuleScore]
    gold_files: list[str]
    missed_entities: list[str]
    spurious_entities: list[str]
    missed_relations: list[str]
    spurious_relations: list[str]

    def as_dict(self, verbose: bool = False) -> dict:
        out = {"entities": {k: v.as_dict() for k, v in self.entities.items()},
               "relations": {k: v.as_dict() for k, v in self.relations.items()},
               "rules": {k: v.as_dict() for k, v in self.rules.items()},
               "gold_files": self.gold_files}
        if verbose:
            for key in ("missed_entities", "spurious_entities", "missed_relations", "spurious_relations"):
                out[key] = getattr(self, key)
        return out


def max_matching(edges: dict) -> dict:
    """Maximum bipartite matching (augmenting paths, iterative). edges: left -> rights; returns right -> left."""
    match: dict = {}
    for root in edges:
        seen: set = set()
        stack = [(root, iter(edges[root]))]
        via: list = []  # via[i]: the right vertex level i goes through to reach level i + 1
        while stack:
            v = next((v for v in stack[-1][1] if v not in seen), None)
            if v is None:
                stack.pop()
                if via:
                    via.pop()
                continue
            seen.add(v)
            via.append(v)
            if v in match:
                stack.append((match[v], iter(edges[match[v]])))
                continue
            for (left, _), right in zip(stack, via):
                match[right] = left
            break
    return match


def _names_shown(facts: GraphFacts, node) -> str:
    return "|".join(sorted(facts.names.get(node, ()))) or str(node)


def _by_name_then_docs(g: GoldEntity) -> tuple:
    return g.name, sorted(g.docs)


def _score_entities(gold: Gold, facts: GraphFacts, name_index: dict):
    """Scores per type, missed and spurious lists, and each matched node's gold partner."""
    scores, missed, spurious, partners = {}, [], [], {}
    for t in TYPES:
        outs = sorted(n for n, ts in facts.types.items() if t in ts)
        golds = [g for g in gold.entities if g.type == t]
        edges = {o: sorted({g for n in facts.names.get(o, ()) for g in name_index.get(n, ()) if g.type == t},
                           key=_by_name_then_docs)
                 for o in outs}
        match = max_matching(edges)
        partners.update({o: g for g, o in match.items()})
        scores[t] = Score(len(match), len(outs), len(golds))
        matched_out = set(match.values())
        missed += [repr(g) for g in golds if g not in match]
        spurious += [f"{t}:{_names_shown(facts, o)}" for o in outs if o not in matched_out]
    scores[ALL] = Score(*(sum(getattr(s, k) for s in scores.values()) for k in ("tp", "output", "gold")))
    return scores, sorted(missed), sorted(spurious), partners


class _Resolver:
    """Output relations as the scorer compares them, endpoints resolved to gold entities.

    A node stands for any gold entity whose name it carries (a corpus-level merge carries
    several): a relation resolves to the candidates that make it right if there are any, else to
    the first ones: the node's partner in the entity matching, then entities of its own types,
    then by name. This is the reference scorer's rule, so both count the same relations.
    """

    def __init__(self, gold: Gold, facts: GraphFacts, name_index: dict, partners: dict):
        self.facts, self.name_index, self.partners = facts, name_index, partners
        self.gold = gold.relations
        self.posts: dict[tuple, list[str]] = defaultdict(list)
        for s, p, o in gold.relations:
            if p in LITERAL_OBJECT:
                self.posts[(s, p)].append(o)
        self._candidates: dict = {}

    def candidates(self, node) -> list[GoldEntity]:
        found = self._candidates.get(node)
        if found is None:
            cands = {g for n in self.facts.names.get(node, ()) for g in self.name_index.get(n, ())}
            own, partner = self.facts.types.get(node, ()), self.partners.get(node)
            found = self._candidates[node] = sorted(cands, key=lambda g: (
                g is not partner, g.type not in own, g.name, sorted(g.docs), TYPES.index(g.type)))
        return found

    def key(self, triple: tuple) -> tuple:
        s, p, o = triple
        cs = self.candidates(s) if isinstance(s, str) else []
        if p in LITERAL_OBJECT:
            return self._post_key(cs, p, o)
        co = self.candidates(o) if isinstance(o, str) else []
        if not (cs and co):
            return (cs[0] if cs else _names_shown(self.facts, s), p, co[0] if co else _names_shown(self.facts, o))
        right = ((gs, go) for gs in cs for go in co
                 if (gs, p, go) in self.gold or (p in SYMMETRIC and (go, p, gs) in self.gold))
        gs, go = next(right, (cs[0], co[0]))
        return (gs, p, go)

    def _post_key(self, cs: list, p: str, o) -> tuple:
        if not cs:
            return ("?", p, str(o))
        title = fold(str(o))
        right = (gs for gs in cs if any(go and (go in title or title in go) for go in self.posts[(gs, p)]))
        return (next(right, cs[0]), p, title)


def _matches(rel: tuple, gold_rels) -> bool:
    s, p, o = rel
    if p in LITERAL_OBJECT:
        return bool(o) and isinstance(o, str) and any(
            gs is s and gp == p and (go in o or o in go) for gs, gp, go in gold_rels)
    return rel in gold_rels or (p in SYMMETRIC and (o, p, s) in gold_rels)


def _show(x) -> str:
    return x.name if isinstance(x, GoldEntity) else str(x)


def _score_relations(gold: Gold, out_rels: set):
    scores, missed, spurious = {}, [], []
    for p in RELATIONS:
        outs = {r for r in out_rels if r[1] == p}
        golds = {r for r in gold.relations if r[1] == p}
        hit_out = {r for r in outs if _matches(r, golds)}
        hit_gold = {g for g in golds if any(_matches(r, {g}) for r in hit_out)}
        # Not a matching: a title may contain several gold titles, as in the reference scorer.
        scores[p] = Score(min(len(hit_out), len(hit_gold)), len(outs), len(golds))
        missed += [f"{_show(s)} {p} {_show(o)}" for s, _, o in golds - hit_gold]
        spurious += [f"{_show(s)} {p} {_show(o)}" for s, _, o in outs - hit_out]
    scores[ALL] = Score(*(sum(getattr(s, k) for s in scores.values()) for k in ("tp", "output", "gold")))
    return scores, sorted(missed), sorted(spurious)


def _score_rules(gold: Gold, facts: GraphFacts, resolver: _Resolver) -> dict[str, RuleScore]:
    by_rule: dict[str, set] = defaultdict(set)
    for rule, triple in facts.evidence:
        by_rule[rule].add(resolver.key(triple))
    by_predicate = defaultdict(set)
    for r in gold.relations:
        by_predicate[r[1]].add(r)
    return {rule: RuleScore(len(keys), sum(_matches(k, by_predicate[k[1]]) for k in keys))
            for rule, keys in sorted(by_rule.items())}


def score(gold: Gold, facts: GraphFacts) -> EvalReport:
    name_index: dict[str, list[GoldEntity]] = defaultdict(list)
    for g in gold.entities:
        for n in g.names:
            name_index[n].append(g)
    ents, missed_e, spurious_e, partners = _score_entities(gold, facts, name_index)
    resolver = _Resolver(gold, facts, name_index, partners)
    out_rels = {resolver.key(r) for r in facts.relations}
    rels, missed_r, spurious_r = _score_relations(gold, out_rels)
    rules = _score_rules(gold, facts, resolver)
    return EvalReport(ents, rels, rules, gold.files, missed_e, spurious_e, missed_r, spurious_r)


def evaluate(graph, gold_paths, *, only_docs=None) -> EvalReport:
    """Score GRAPH (a graph file) against gold JSON files or folders of them."""
    if isinstance(gold_paths, (str, Path)):
        gold_paths = [gold_paths]
    gold = load_gold(gold_paths, only_docs)
    return score(gold, read_graph(graph))


# ---------------------------------------------------------------- text output


def format_table(title: str, rows: dict[str, Score]) -> list[str]:
    lines = [f"{title:<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'out':>6}{'gold':>6}"]
    for k, v in rows.items():
        lines.append(f"  {k:<16}{v.precision:7.3f}{v.recall:7.3f}{v.f1:7.3f}{v.tp:6d}{v.output:6d}{v.gold:6d}")
    return lines


def format_rules(rules: dict[str, RuleScore]) -> list[str]:
    width = max([16, *(len(r) for r in rules)])
    lines = [f"{'relation rules':<{width + 2}}{'P':>7}{'right':>7}{'out':>6}"]
    lines += [f"  {k:<{width}}{v.precision:7.3f}{v.correct:7d}{v.output:6d}" for k, v in rules.items()]
    return lines


def headline(report: EvalReport) -> str:
    e, r = report.entities[ALL], report.relations[ALL]
    return (f"entity F1 {e.f1:.3f} (P {e.precision:.3f} R {e.recall:.3f}) · "
            f"relation F1 {r.f1:.3f} (P {r.precision:.3f} R {r.recall:.3f})")


def format_report(report: EvalReport, verbose: bool = False) -> str:
    lines = format_table("entities", report.entities) + format_table("relations", report.relations)
    if report.rules:
        lines += format_rules(report.rules)
    if verbose:
        for key in ("missed_entities", "spurious_entities", "missed_relations", "spurious_relations"):
            items = getattr(report, key)
            lines += ["", f"{key} ({len(items)}):"] + [f"   {item}" for item in items]
    lines.append(headline(report))
    return "\n".join(lines)
