"""Scoring a built graph against gold annotations (`kg eval`)."""
