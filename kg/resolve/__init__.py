"""Stage 3, resolution: mentions -> entities, within a document (`document`) and across the
corpus (`corpus`)."""
