"""The project's ontology terms as a closed namespace.

`KG.Zone` works, `KG.Zoen` raises AttributeError. The term list here is checked against
`ontology/kg.ttl` by the tests, so code and ontology cannot drift apart.
"""

from __future__ import annotations

from ..model import ENTITY_TYPES as ENTITY_CLASSES, RELATIONS

NS = "https://w3id.org/policykg/ns#"
DEFAULT_BASE = "https://w3id.org/policykg/id/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES = {
    # The one prefix table: SPARQL's predeclared prefixes, exports, reports and (without `id`)
    # the @prefix lines of a graph file. Namespaces never overlap, so order does not matter.
    "kg": NS,
    "id": DEFAULT_BASE,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "xsd": XSD,
}

OTHER_CLASSES = ("Document", "Evidence")
OTHER_PROPERTIES = (
    "mentionedIn",      # entity -> Document
    "document",         # Evidence -> Document
    "sentence",         # Evidence -> sentence text (literal)
    "start",            # Evidence -> offset of the sentence in the normalised document text
    "end",
    "page",             # Evidence -> page the sentence starts on (paged documents: PDF)
    "rule",             # Evidence -> id of the rule that produced the fact
    "sourceFile",       # Document -> path relative to the build input
    "contentHash",      # Document -> sha256 of the raw bytes
    "encoding",         # Document -> detected input encoding
    "speaker",          # Document -> speaker of a speech (literal)
    "speechDate",       # Document -> date the speech was given
    "sourceScript",     # Document -> "traditional" / "simplified"
)
TERMS = frozenset(ENTITY_CLASSES + OTHER_CLASSES + RELATIONS + OTHER_PROPERTIES)


class _ClosedNamespace:
    """Attribute access to ontology IRIs; unknown names raise."""

    __slots__ = ()

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name not in TERMS:
            raise AttributeError(f"{name!r} is not a term of the kg ontology ({NS})")
        return NS + name

    def __getitem__(self, name: str) -> str:
        return self.__getattr__(name)

    def __contains__(self, name: str) -> bool:
        return name in TERMS


KG = _ClosedNamespace()
