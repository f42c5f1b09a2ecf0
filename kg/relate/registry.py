"""The one place where relation rules are registered, and the runner that applies them.

Each rule is named by `module:function` inside `kg.relate` (imported when first used) and
yields Facts over one document's resolved mentions; every Fact carries the id of the rule that
produced it (`rel.<predicate>.<detail>`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from typing import Callable, Iterator

from ..model import Fact

# name -> "module:function" in kg.relate, in the order they run
RULES: dict[str, str] = {
    "officials": "officials:officials",
    "locatedIn.host": "located:zone_host",
    "locatedIn.focus": "located:in_focal_zone",
    "locatedIn.trigger": "located:located_by_trigger",
    "developsIndustry": "industry:develops",
    "inIndustry": "industry:in_industry",
    "cooperatesWith": "cooperation:cooperation",
}


@lru_cache(maxsize=None)
def get(name: str) -> Callable[..., Iterator[Fact]]:
    """The relation rule registered under `name` (KeyError names the known ones)."""
    try:
        target = RULES[name]
    except KeyError:
        raise KeyError(f"no relation rule {name!r}; known: {', '.join(RULES)}") from None
    module, _, attr = target.partition(":")
    return getattr(import_module(f"{__package__}.{module}"), attr)


def relate(rc) -> list[Fact]:
    """All facts the registered rules find in one document (a `RelContext`)."""
    facts: list[Fact] = []
    for name in RULES:
        facts.extend(get(name)(rc))
    return facts
