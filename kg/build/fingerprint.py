"""The fingerprint of a build's per-document results: what a stored result is valid for.

A document's result depends on the per-document code (`kg/build/document.py` and everything it
imports, transitively), the data files and user lexicons it reads (`Resources.fingerprint`), the
libraries that code imports (rjieba's dictionary, OpenCC's tables, the charset detector, ...)
and the pickle format. The code is found, not listed: the imports of `kg/build/document.py` are
followed through the package, and every stage package met is hashed whole, files and data alike
(its registry imports its rules by name, so a package counts as one unit). Third-party modules
those files import count by the version of the distribution that provides them, and so do the
libraries each input format's reader depends on (`kg.ingest.formats.LIBRARIES`: trafilatura's
htmldate and jusText too, which it imports itself); the standard library by the Python version.
"""

from __future__ import annotations

import ast
import hashlib
import pickle
import sys
from pathlib import Path

ROOT = "kg.build.document"   # the per-document work: what a stored result is the output of


def _package_dir() -> Path:
    return Path(__file__).resolve().parent.parent


def _imports(path: Path, module: str) -> set[str]:
    """Absolute names of the modules a source file imports (anywhere in it, lazy imports too)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = module.rpartition(".")[0] if path.name != "__init__.py" else module
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)  # `from . import x`
    return found


def _unit(name: str, root: Path, top: str, own: str) -> Path | None:
    """The file or package of `name` that is hashed as one: a stage package whole, a module of
    the root's own package by itself; None for a name outside the package or not a file."""
    parts = name.split(".")
    if parts[0] != top or len(parts) < 2:
        return None
    if ".".join(parts[:2]) == own:
        path = root.joinpath(*parts[1:])
        path = path.with_suffix(".py")
        return path if path.is_file() else None
    path = root / parts[1]
    if path.is_dir():
        return path
    path = path.with_suffix(".py")
    return path if path.is_file() else None


def _files(unit: Path) -> list[Path]:
    if unit.is_file():
        return [unit]
    return sorted(p for p in unit.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix not in (".pyc", ".pyo"))


def _module_name(path: Path, root: Path, top: str) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = [top, *rel.parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def extraction_code(root: Path | None = None, start: str = ROOT) -> tuple[list[Path], set[str]]:
    """The files the per-document results depend on (sorted) and the outside modules they import.

    `root` is the `kg` package folder (default: this one); `start` the module to follow from."""
    root = root or _package_dir()
    top = start.split(".")[0]
    own = ".".join(start.split(".")[:2])
    units = {_unit(start, root, top, own)}
    todo = list(units)
    outside: set[str] = set()
    while todo:
        for path in _files(todo.pop()):
            if path.suffix != ".py":
                continue
            for name in _imports(path, _module_name(path, root, top)):
                if name.split(".")[0] != top:
                    outside.add(name.split(".")[0])
                    continue
                unit = _unit(name, root, top, own)
                if unit is not None and unit not in units:
                    units.add(unit)
                    todo.append(unit)
    files = sorted({f for u in units for f in _files(u)})
    return files, outside - {"__future__"}


def library_versions(modules: set[str]) -> dict[str, str]:
    """Distribution versions of the third-party modules among `modules` (standard library excluded)."""
    from importlib import metadata

    dists = metadata.packages_distributions()
    versions = {}
    for mod in sorted(modules):
        if mod in sys.stdlib_module_names:
            continue
        for dist in sorted(dists.get(mod, [mod])):
            try:
                versions[dist] = metadata.version(dist)
            except metadata.PackageNotFoundError:
                versions[dist] = "absent"
    return versions


def reader_versions() -> dict[str, str]:
    """Versions of the distributions the input formats' readers depend on ("absent" if not installed)."""
    from importlib import metadata

    from ..ingest.formats import LIBRARIES

    versions = {}
    for dist in sorted({d for libs in LIBRARIES.values() for d in libs}):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "absent"
    return versions


def code_fingerprint(root: Path | None = None) -> str:
    """sha256 of the per-document code (every file, by path and bytes), its libraries' versions
    (and those of the format readers' libraries), the Python version and the pickle protocol
    results are stored with."""
    root = root or _package_dir()
    files, outside = extraction_code(root)
    h = hashlib.sha256(f"python {sys.version_info[:3]} pickle {pickle.HIGHEST_PROTOCOL}\0".encode())
    for name, version in (library_versions(outside) | reader_versions()).items():
        h.update(f"lib {name} {version}\0".encode())
    for p in files:
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def fingerprint(res) -> str:
    """The fingerprint of results built with `res` (a `Resources`) by this code."""
    return hashlib.sha256(f"{code_fingerprint()} {res.fingerprint}".encode()).hexdigest()
