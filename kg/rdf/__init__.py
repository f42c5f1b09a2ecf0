"""RDF: the ontology's closed namespace, the Turtle writer, SHACL validation and graph stats."""
