"""Stage 4, relations: facts between the resolved entities of one document.

`context` holds what the rules share, `registry` the rules by name; one module per family of
rules (officials, located, industry, cooperation).
"""
