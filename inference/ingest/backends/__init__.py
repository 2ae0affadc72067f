"""One ingest backend per file format (`base.IngestBackend`): how the format is told from a file's
first bytes, how large a file of it may be, and the reader that turns it into a `Document`.

`xxgk.inference.ingest.registry` lists them in sniffing order. Each backend imports its reader (and
the reader's libraries: pdfplumber, OpenCV and the OCR engine) only when it reads a file.
"""
