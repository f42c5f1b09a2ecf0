"""Turn kg/data/industries.tsv into the SKOS concept scheme ontology/industries.ttl.

The Turtle is written by hand (not by rdflib's serializer) so that the output is sorted and
byte-identical between runs; tests parse it back with rdflib.

Usage: python kg/data/make/industries_to_skos.py [--tsv PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TSV = HERE.parent / "industries.tsv"
OUT = HERE.parents[2] / "ontology" / "industries.ttl"
BASE = "https://w3id.org/policykg/industry/"
COLUMNS = ("id", "pref_label", "alt_labels", "broader", "scheme_note")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def read(path: Path) -> tuple[dict[str, str], list[dict]]:
    """Header fields (`# key: value`) and rows of the TSV; raises ValueError naming file:line."""
    meta: dict[str, str] = {}
    rows: list[dict] = []
    header = None
    key = None
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            m = re.match(r"# ([a-z-]+): (.*)", line)
            if m:
                key = m.group(1) if m.group(1) not in meta else None
                if key:
                    meta[key] = m.group(2).strip()
            elif key and line.startswith("#  "):  # continuation of the previous field
                meta[key] += " " + line[1:].strip()
            else:
                key = None
            continue
        if not line.strip():
            continue
        cells = line.split("\t")
        if header is None:
            if tuple(cells) != COLUMNS:
                raise ValueError(f"{path}:{lineno}: header must be {' '.join(COLUMNS)}")
            header = cells
            continue
        if len(cells) != len(COLUMNS):
            raise ValueError(f"{path}:{lineno}: expected {len(COLUMNS)} cells, got {len(cells)}")
        row = dict(zip(COLUMNS, cells))
        if not SLUG.fullmatch(row["id"]):
            raise ValueError(f"{path}:{lineno}: id {row['id']!r} is not an ASCII slug")
        rows.append(row)
    ids = {r["id"] for r in rows}
    for r in rows:
        if r["broader"] and r["broader"] not in ids:
            raise ValueError(f"{path}: {r['id']}: broader {r['broader']!r} is not a concept")
    return meta, rows


def literal(text: str, lang: str | None = "zh") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def to_turtle(meta: dict[str, str], rows: list[dict]) -> str:
    """The concept scheme as Turtle, concepts sorted by id, labels sorted."""
    scheme = f"<{BASE}>"
    tops = sorted(r["id"] for r in rows if not r["broader"])
    out = [
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix ind: <" + BASE + "> .",
        "",
        f"{scheme} a skos:ConceptScheme ;",
        '    dcterms:title "Industry vocabulary of Chinese regional development policy"@en, '
        '"区域发展政策产业词表"@zh ;',
        f"    dcterms:source {literal(meta.get('source', ''), None)} ;",
        f"    dcterms:hasVersion {literal(meta.get('version', ''), None)} ;",
        "    skos:hasTopConcept " + ", ".join(f"ind:{t}" for t in tops) + " .",
        "",
    ]
    for r in sorted(rows, key=lambda r: r["id"]):
        lines = [f"ind:{r['id']} a skos:Concept",
                 f"skos:inScheme {scheme}",
                 f"skos:notation {literal(r['id'], None)}",
                 f"skos:prefLabel {literal(r['pref_label'])}"]
        alts = sorted({a for a in r["alt_labels"].split("|") if a})
        if alts:
            lines.append("skos:altLabel " + ", ".join(literal(a) for a in alts))
        if r["broader"]:
            lines.append(f"skos:broader ind:{r['broader']}")
        else:
            lines.append(f"skos:topConceptOf {scheme}")
        if r["scheme_note"]:
            lines.append(f"skos:scopeNote {literal(r['scheme_note'], None)}")
        out.append(" ;\n    ".join(lines) + " .")
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tsv", type=Path, default=TSV)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    try:
        meta, rows = read(args.tsv)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=args.out.parent, prefix=args.out.name + ".")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(to_turtle(meta, rows))
    os.replace(tmp, args.out)
    print(f"{args.out}: {len(rows)} concepts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
