"""Analyses over many extracted reports (the JSON files `xxgk extract` writes), never one document."""
