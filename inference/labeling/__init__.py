"""Labelers: give every segment of a document its label (see `xxgk.templates.label_set`)."""
