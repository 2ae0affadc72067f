"""Measuring extraction output against gold files (beyond the shared scorer's summary)."""
