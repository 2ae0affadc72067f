"""Files of the service under the data folder, never named after anything a client sent.

    blobs/ab/<sha256>.<kind>   uploaded bytes, content-addressed (kind: pdf, html, txt, png, ...)
    pages/<sha256>/<n>.png     page images for review pages (rendered at 200 dpi, or the scan's image)
    documents/<job id>.json.gz the pipeline's document (pages, segments, labels) for the review page
    tmp/                       uploads being received

Writes go to a temporary file first, are flushed to disk and then renamed, so a crash never leaves
a half-written file under its final name.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import tempfile
import time
from pathlib import Path

from xxgk.document import Document

SUFFIX = {"pdf": ".pdf", "html": ".html", "text": ".txt"}
IMAGE_SUFFIX = ((b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"II*\x00", ".tif"), (b"MM\x00*", ".tif"),
                (b"GIF8", ".gif"), (b"BM", ".bmp"))


def image_suffix(head: bytes) -> str:
    """The file suffix of an image's format, from its first bytes (a blob's name tells its format)."""
    return next((suffix for magic, suffix in IMAGE_SUFFIX if head.startswith(magic)), ".img")

def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        for sub in ("blobs", "pages", "documents", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    @property
    def tmp_dir(self) -> Path:
        return self.root / "tmp"

    def sweep_tmp(self, max_age_seconds: float = 3600.0) -> int:
        """Delete leftovers of uploads cut off by a crash (old enough that no live upload owns them)."""
        cutoff, removed = time.time() - max_age_seconds, 0
        for path in self.tmp_dir.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    # ---------------------------------------------------------------- uploads

    def blob_path(self, sha256: str, kind: str) -> Path:
        folder = self.root / "blobs" / sha256[:2]
        if kind == "image":  # suffix by image format: the first stored one
            return next(iter(sorted(folder.glob(f"{sha256}.*"))), folder / f"{sha256}.img")
        return folder / f"{sha256}{SUFFIX[kind]}"

    def put_blob(self, tmp: Path, sha256: str, kind: str) -> Path:
        """Move a fully received upload (already fsynced) to its content address."""
        dest = self.blob_path(sha256, kind)
        if kind == "image" and not dest.exists():
            with tmp.open("rb") as fh:
                dest = dest.with_suffix(image_suffix(fh.read(16)))
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            tmp.unlink(missing_ok=True)
            os.utime(dest)  # fresh again: clean-up leaves a recently uploaded blob alone
        else:
            os.replace(tmp, dest)
            _fsync_dir(dest.parent)
        return dest

    def delete_blob(self, sha256: str, *, unused_for: float) -> bool:
        """Delete the uploaded bytes unless they were stored or uploaded again in the last `unused_for`
        seconds (an upload of the same bytes may be about to queue its job)."""
        cutoff = time.time() - unused_for
        removed = False
        for path in (self.root / "blobs" / sha256[:2]).glob(f"{sha256}.*"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed = True
        return removed

    def delete_pages(self, sha256: str) -> None:
        """Drop the page images of a file (a cache: rendered again if the file is uploaded again)."""
        shutil.rmtree(self.root / "pages" / sha256, ignore_errors=True)

    # ---------------------------------------------------------------- review documents

    def document_name(self, job_id: str) -> str:
        return f"documents/{job_id}.json.gz"

    def save_document(self, job_id: str, doc: Document) -> str:
        name = self.document_name(job_id)
        self._write_atomic(self.root / name, gzip.compress(doc.model_dump_json().encode(), compresslevel=5))
        return name

    def delete_document(self, name: str | None) -> None:
        if name and name.startswith("documents/"):
            (self.root / name).unlink(missing_ok=True)

    def load_document(self, name: str | None) -> Document | None:
        if not name:
            return None
        path = self.root / name
        if not path.is_file():
            return None
        return Document.model_validate_json(gzip.decompress(path.read_bytes()))

    # ---------------------------------------------------------------- page images

    def page_path(self, sha256: str, number: int) -> Path:
        return self.root / "pages" / sha256 / f"{number}.png"

    def keep_page_image(self, sha256: str, number: int, image: Path) -> Path:
        """Copy a page image the pipeline made (a scan's page, in the frame of its boxes) where the review
        page finds it, replacing a rendering of the same page."""
        dest = self.page_path(sha256, number)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if image.suffix.lower() == ".png":
            self._copy_atomic(image, dest)
        else:
            from PIL import Image

            with Image.open(image) as im:
                self._save_png(im, dest)
        return dest

    def page_image(self, sha256: str, kind: str, number: int) -> Path | None:
        """The PNG of page `number` (1-based): cached, else rendered here, in this process, pixels capped.

        For command-line tools (`xxgk annotate push JOB`); the server renders in child processes with
        memory and time limits (`xxgk.runners.jobs.render.PageRenderer`)."""
        from xxgk.runners.jobs.render import render_to_png

        dest = self.page_path(sha256, number)
        if dest.is_file():
            return dest
        blob = self.blob_path(sha256, kind)
        if kind not in ("pdf", "image") or not blob.is_file():
            return None
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.tmp_dir, suffix=".png")
        os.close(fd)
        try:
            if not render_to_png(blob, kind, number, Path(tmp)):
                return None
            os.replace(tmp, dest)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return dest

    # ---------------------------------------------------------------- helpers

    def _save_png(self, image, dest: Path) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.tmp_dir, suffix=".png")
        os.close(fd)
        try:
            image.convert("RGB").save(tmp, format="PNG", optimize=False)
            os.replace(tmp, dest)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _copy_atomic(self, src: Path, dest: Path) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.tmp_dir)
        os.close(fd)
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _write_atomic(self, dest: Path, data: bytes) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.tmp_dir)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, dest)
        finally:
            Path(tmp).unlink(missing_ok=True)
