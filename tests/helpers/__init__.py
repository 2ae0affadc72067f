"""Builders of test inputs shared by test modules (PDFs drawn with reportlab, whole reports)."""
