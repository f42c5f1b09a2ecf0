"""Find text of the development set or the seeds echoed in the project's tests, code and data.

The developers' guide asks for tests with their own sentences and for code and lexicons free of
the particular names of a seed or dev document. An echo is a run of consecutive CJK characters
that a checked unit shares with a reference text. Both sides are compared in simplified script
and as CJK characters only: punctuation, digits, Latin letters and line breaks are dropped, so
that changing a comma, a number or a line wrap does not hide a copied sentence.

A checked unit is a piece of text that reads as one: in Python a string constant (implicitly
concatenated literals are one) or a block of consecutive comment lines, in a TSV file one field
or comment line. Units are kept apart so that neighbouring entries of a list never join into a
false run. tests/test_no_echo.py holds the project to runs shorter than 12 characters.

Run as a script to list every shared run of at least `--min` characters (default 10):

    .venv/bin/python tests/echoes.py [--min 10] [--dev ../shared/dev/texts] [PATH ...]
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Fixtures of tests/conftest.py that build the seeds: a test that takes one checks the product on
# its inputs and may name the seeds' entities (not copy their sentences into other tests).
SEED_FIXTURES = frozenset({"seed_build", "seed_graph", "seed_docs"})

# Columns of the data files that hold prose about a row rather than the row's data.
PROSE_COLUMNS = frozenset({"note", "reason", "scheme_note", "source_note", "source"})


@dataclass(frozen=True)
class Unit:
    """One piece of checked text, where it starts, and whether it is inside a test that takes a
    seed build."""

    path: Path
    line: int
    text: str
    seed_test: bool = False


@dataclass(frozen=True)
class Echo:
    """A run of CJK characters a unit shares with reference texts."""

    unit: Unit
    run: str
    sources: tuple[str, ...]

    def __str__(self) -> str:
        path = self.unit.path
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        return f"{where}:{self.unit.line}\t{len(self.run)}\t{self.run}\t{','.join(self.sources)}"


def cjk(text: str) -> str:
    """The CJK characters of `text` in simplified script, in order, nothing else."""
    from kg.text import fold_width, to_simplified

    return "".join(_CJK.findall(to_simplified(fold_width(text))))


# ---------------------------------------------------------------------------- checked units


def _docstrings(tree: ast.AST) -> Iterator[ast.Constant]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                yield first.value


def _seed_test_lines(tree: ast.AST) -> set[int]:
    """Lines of the functions that take a seed-building fixture."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and SEED_FIXTURES & {a.arg for a in node.args.args}:
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _comment_blocks(path: Path, source: str) -> Iterator[Unit]:
    block: list[str] = []
    start = last = 0
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type != tokenize.COMMENT:
            continue
        line = tok.start[0]
        if block and line != last + 1:
            yield Unit(path, start, "\n".join(block))
            block = []
        if not block:
            start = line
        block.append(tok.string)
        last = line
    if block:
        yield Unit(path, start, "\n".join(block))


def python_units(path: Path, prose: bool = False) -> Iterator[Unit]:
    """String constants (with `prose`, docstrings only) and comment blocks of a Python file."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    seed_lines = _seed_test_lines(tree)
    for node in _docstrings(tree) if prose else ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield Unit(path, node.lineno, node.value, node.lineno in seed_lines)
    yield from _comment_blocks(path, source)


def tsv_units(path: Path, prose: bool = False) -> Iterator[Unit]:
    """Each field of each line of a TSV file, comment lines included; with `prose`, only the
    comment lines and the fields of the prose columns."""
    header: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            yield Unit(path, number, line)
            continue
        fields = line.split("\t")
        if header is None:
            header = fields
            continue
        for column, field in zip(header, fields):
            if not prose or column in PROSE_COLUMNS:
                yield Unit(path, number, field)


def units(path: Path, prose: bool = False) -> Iterator[Unit]:
    """The checked units of a file; with `prose`, only what describes (comments, docstrings,
    notes), not what is data (string constants, lexicon rows)."""
    if path.suffix == ".py":
        return python_units(path, prose)
    if path.suffix == ".tsv":
        return tsv_units(path, prose)
    return iter([Unit(path, 1, path.read_text(encoding="utf-8"))])


def checked_files(root: Path = ROOT) -> list[tuple[Path, bool]]:
    """(file, prose only) for the tests' code, the package's code and its data files.

    Test code and the package's code are checked whole. The builders of kg/data/make and the data
    files are checked in their prose only: their rows and tables are names from the public lists
    they cite (a national zone or a listed company is named in the dev texts too), not copied text.
    """
    found = [(p, False) for p in root.glob("tests/**/*.py")]
    found += [(p, p.is_relative_to(root / "kg" / "data" / "make")) for p in root.glob("kg/**/*.py")]
    found += [(p, True) for p in root.glob("kg/data/*.tsv")]
    return sorted(found)


def checked_units(files: Iterable[tuple[Path, bool]]) -> list[tuple[Unit, str]]:
    """Every unit of the files that has CJK text, with its CJK characters."""
    found = []
    for path, prose in files:
        for unit in units(path, prose):
            if _CJK.search(unit.text):
                found.append((unit, cjk(unit.text)))
    return found


# ---------------------------------------------------------------------------- reference texts


def reference_texts(dev: Path | None, seeds: Path = ROOT / "seeds") -> dict[str, str]:
    """The seed texts and, when `dev` is a folder, the dev texts, by a short name."""
    texts = {f"seeds/{p.name}": p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))}
    if dev is not None and dev.is_dir():
        texts.update({f"dev/{p.name}": p.read_text(encoding="utf-8") for p in sorted(dev.glob("*.txt"))})
    return texts


def grams(texts: dict[str, str], n: int) -> dict[str, set[str]]:
    """Every `n`-gram of the CJK characters of each reference text -> names of texts having it."""
    index: dict[str, set[str]] = {}
    for name, text in texts.items():
        chars = cjk(text)
        for i in range(len(chars) - n + 1):
            index.setdefault(chars[i:i + n], set()).add(name)
    return index


def echoes(unit: Unit, chars: str, index: dict[str, set[str]], n: int) -> Iterator[Echo]:
    """Maximal runs of a unit's CJK characters made of `n`-grams found in the index."""
    i = 0
    while i <= len(chars) - n:
        if chars[i:i + n] not in index:
            i += 1
            continue
        j = i
        sources: set[str] = set()
        while j <= len(chars) - n and chars[j:j + n] in index:
            sources |= index[chars[j:j + n]]
            j += 1
        yield Echo(unit, chars[i:j + n - 1], tuple(sorted(sources)))
        i = j


def scan(checked: Iterable[tuple[Unit, str]], index: dict[str, set[str]], n: int) -> list[Echo]:
    """Every echo of at least `n` characters in the checked units."""
    return [echo for unit, chars in checked for echo in echoes(unit, chars, index, n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help="files to check whole (default: tests and kg, data files in their prose)")
    parser.add_argument("--min", type=int, default=10, help="shortest run to report (default 10)")
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "dev" / "texts")
    args = parser.parse_args(argv)
    if not args.dev.is_dir():
        print(f"note: {args.dev} not found; checking against the seeds only", file=sys.stderr)
    files = [(p.resolve(), False) for p in args.paths] or checked_files()
    found = scan(checked_units(files), grams(reference_texts(args.dev), args.min), args.min)
    for echo in found:
        print(echo)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
