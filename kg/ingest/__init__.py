"""Stage 1, ingest: bytes -> one normalised `Document` (decode, normalise once, classify lines,
read metadata, split sentences with offsets)."""
