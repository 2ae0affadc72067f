"""RapidOCR (PP-OCRv6 small detector and recogniser, v2.0 angle classifier; ONNX, shipped in the wheel).

Tuned for report pages on a few CPU cores; what each knob buys, measured on 200-dpi pages of
generated reports (single thread, the recogniser dominates):

- the angle classifier is not run per line: orientation is decided once per page on a sample
  of lines (`upside_down`), and the page turned before recognition;
- detection runs on the page scaled down to `det_max_side` pixels (long side): 0.8 s instead of
  4.9 s at rapidocr's default of 2000, with the same lines found (text at 200 dpi is 25-30 px
  high, about 15 px after scaling). Boxes come back in the full image's pixels and lines are cut
  from the full-resolution page;
- recognition pads each batch only to its widest line with a floor of `rec_min_width` pixels
  (rapidocr pads every line to 320): a lone `0` costs a quarter. Below about 96 px the recogniser
  starts dropping lone zeros, so the floor stays there. Its cost is then linear in the text's
  width, about 4 ms per character: a page of prose costs more than a page of table numbers;
- lines are recognised one at a time (`rec_batch` 1): a batch pads every line to its widest;
  batches of 8 (rapidocr's default is 6) took 0.95 s a page of generated scans against 0.82
  (recognition alone, mean of four runs each on 2 shared cores, which vary by a fifth from run to
  run), and a line alone reads the same whatever lines happen to share its batch;
- `threads` onnxruntime threads per model (intra-op), one inter-op thread.

rapidocr's own `RapidOCR.__call__` is not used: its model loaders are, so the config plumbing and
model paths stay rapidocr's (pinned at 3.10, where these private loaders exist). Only the default
models work offline: any other model choice downloads at run time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from xxgk.extras import require
from xxgk.inference.ocr.base import OcrBox, Quad, clean_text

log = logging.getLogger(__name__)

def _bgr(img: np.ndarray) -> np.ndarray:
    import cv2

    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    return img


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, *, threads: int = 2, det_max_side: int = 1400, rec_min_width: int = 128,
                 rec_batch: int = 1, min_score: float = 0.5, box_thresh: float = 0.5,
                 unclip_ratio: float = 1.6):
        require("scan", "OCR of scanned reports")
        from rapidocr import RapidOCR

        threads = max(1, int(threads))
        self.options = dict(threads=threads, det_max_side=det_max_side, rec_min_width=rec_min_width,
                            rec_batch=rec_batch, min_score=min_score)
        self._ocr = RapidOCR(params={
            "Global.log_level": "warning",
            "Global.use_cls": False,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Det.limit_type": "max",
            "Det.limit_side_len": det_max_side,
            "Det.box_thresh": box_thresh,
            "Det.unclip_ratio": unclip_ratio,
            "Rec.rec_img_shape": [3, 48, rec_min_width],
            "Rec.rec_batch_num": rec_batch,
        })
        self._det = self._ocr._load_det_model()
        self._rec = self._ocr._load_rec_model()
        self._cls = None
        self.min_score = min_score

    @property
    def model_version(self) -> str:
        cfg = self._ocr.cfg
        return f"rapidocr-{cfg.Det.ocr_version}-{cfg.Det.model_type}"

    def detect(self, image: np.ndarray) -> list[Quad]:
        out = self._det(_bgr(image))
        if out.boxes is None:
            return []
        return [tuple((float(x), float(y)) for x, y in box) for box in out.boxes]  # type: ignore[misc]

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        from rapidocr.ch_ppocr_rec import TextRecInput

        if not crops:
            return []
        res = self._rec(TextRecInput(img=[_bgr(c) for c in crops]))
        return [(clean_text(t), round(float(s), 5)) for t, s in zip(res.txts, res.scores, strict=True)]

    def upside_down(self, crops: Sequence[np.ndarray]) -> float:
        if not crops:
            return 0.0
        if self._cls is None:
            self._cls = self._ocr._load_cls_model()
        res = self._cls([_bgr(c) for c in crops])
        flipped = sum(score for label, score in res.cls_res if "180" in label)
        total = sum(score for _, score in res.cls_res) or 1.0
        return flipped / total

    def __call__(self, image: np.ndarray) -> list[OcrBox]:
        from xxgk.inference.layout.geometry import crop_quad

        quads = self.detect(image)
        texts = self.recognize([crop_quad(image, q) for q in quads])
        return [OcrBox(text, q, score) for q, (text, score) in zip(quads, texts, strict=True)
                if text and score >= self.min_score]
