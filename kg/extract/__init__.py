"""Stage 2, extraction: candidate entity spans from one normalised document.

`lexicon` loads the general knowledge, `match` holds the overlap policy and the character
gazetteer, `context` what the extractors share for a document, `registry` the extractors by
name; one module per extractor family (gazetteer, suffix, lists, industry, official, ref,
nested).
"""
