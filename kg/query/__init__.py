"""Querying a built graph: the Oxigraph store, named queries, exports and the SPARQL endpoint."""
