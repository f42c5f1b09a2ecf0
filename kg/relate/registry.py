"""The one place where relation rules are registered, with what each requires and assigns, and
the runner that applies them.

Each rule is named by `module:function` inside `kg.relate` (imported when first used) and
yields Facts over one document's resolved mentions; every Fact carries the id of the rule that
produced it (`rel.<predicate>.<detail>`). A rule that assigns `facts.<predicate>` leaves its
facts of that predicate in the context for later rules (`RelContext.facts`). The order of the
whole pipeline (ingest, extraction, resolution, these rules) is checked once, on first use.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from typing import Callable, Iterator

from ..extract.registry import Step, check_order
from ..model import Fact

_RESOLVED = ("mentions", "entities", "focal_zone")

# name -> rule in kg.relate, in the order they run
RULES: dict[str, Step] = {
    "officials": Step("officials:officials", _RESOLVED + ("author_notes",), ("facts.holdsPost", "facts.servesIn")),
    "locatedIn.host": Step("located:zone_host", _RESOLVED, ("facts.locatedIn",)),
    "locatedIn.body": Step("containment:bodies", _RESOLVED, ("facts.locatedIn",)),
    "locatedIn.stated": Step("containment:stated", _RESOLVED, ("facts.locatedIn",)),
    "cooperatesWith": Step("cooperation:cooperation", _RESOLVED, ("facts.cooperatesWith",)),
    "locatedIn.trigger": Step("located:located_by_trigger", _RESOLVED, ("facts.locatedIn",)),
    "locatedIn.scope": Step("scope:in_scope", _RESOLVED + ("facts.locatedIn",), ("facts.locatedIn",)),
    "locatedIn.venue": Step("scope:at_venue", _RESOLVED, ("facts.locatedIn",)),
    "locatedIn.builtIn": Step("scope:built_in", _RESOLVED, ("facts.locatedIn",)),
    "locatedIn.focalZone": Step("located:in_focal_zone", _RESOLVED + ("facts.cooperatesWith", "facts.locatedIn"),
                                ("facts.locatedIn",)),
    "locatedIn.focalRegion": Step("scope:in_focal_region", _RESOLVED + ("facts.locatedIn",), ("facts.locatedIn",)),
    "locatedIn.namedOrgs": Step("containment:named_orgs", _RESOLVED + ("facts.locatedIn",), ("facts.locatedIn",)),
    "locatedIn.closure": Step("containment:closure", _RESOLVED + ("facts.locatedIn",), ("facts.locatedIn",)),
    "developsIndustry": Step("industry:develops", _RESOLVED, ("facts.developsIndustry",)),
    "inIndustry": Step("industry:in_industry", _RESOLVED + ("facts.servesIn",), ("facts.inIndustry",)),
}


@lru_cache(maxsize=1)
def checked() -> dict[str, Step]:
    """RULES, once the order of the whole pipeline is checked (OrderError names the first step
    that requires something no earlier step assigns)."""
    from ..extract.registry import provides
    from ..resolve.document import RESOLVE

    have = check_order({"resolve": RESOLVE}, provides(), "resolution step")
    check_order(RULES, have, "relation rule")
    return RULES


@lru_cache(maxsize=None)
def get(name: str) -> Callable[..., Iterator[Fact]]:
    """The relation rule registered under `name` (KeyError names the known ones)."""
    try:
        target = RULES[name].target
    except KeyError:
        raise KeyError(f"no relation rule {name!r}; known: {', '.join(RULES)}") from None
    module, _, attr = target.partition(":")
    return getattr(import_module(f"{__package__}.{module}"), attr)


def relate(rc) -> list[Fact]:
    """All facts the registered rules find in one document (a `RelContext`)."""
    facts: list[Fact] = []
    for name, rule in checked().items():
        found = list(get(name)(rc))
        for label in rule.assigns:
            predicate = label.removeprefix("facts.")
            rc.assign(label, [f for f in found if f.predicate == predicate])
        facts.extend(found)
    return facts
