"""The offline graph page (pyvis / vis-network)."""
