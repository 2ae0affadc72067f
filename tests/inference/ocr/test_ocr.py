"""OCR engines: text clean-up, the registry, and the real RapidOCR engine on rendered lines."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from xxgk.inference.ocr import ENGINES, clean_text, get_engine

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


@pytest.mark.parametrize(("raw", "clean"), [
    ("０１２", "012"),  # full-width digits
    ("1O", "10"), ("l5", "15"), ("2O.5", "20.5"),  # look-alike letters inside numbers
    ("o", "0"), ("O", "0"),  # a lone round letter in a cell is a zero
    ("0.", "0"), (",0", "0"), (".0", "0"),  # specks at a number's ends
    ("l", "l"), ("|", "|"),  # a lone stroke may be a rule: left for the rule layer to flag
    ("2O19年", "2O19年"), ("本年新收", "本年新收"), ("（一）予以公开", "(一)予以公开"),
    ("-6", "-6"), ("1,024", "1,024"), ("12 0", "12 0"), ("", ""),
])
def test_ocr_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_ocr_unknown_engine_names_the_known_ones():
    with pytest.raises(ValueError, match="rapidocr"):
        get_engine("tesseract-9")


def test_ocr_engines_are_a_plain_dict():
    assert "rapidocr" in ENGINES and callable(ENGINES["rapidocr"])


def _line(text: str, size: int = 30) -> np.ndarray:
    font = ImageFont.truetype(FONT, size)
    w = int(font.getlength(text)) + 40
    img = Image.new("L", (w, size + 30), 255)
    ImageDraw.Draw(img).text((20, 12), text, font=font, fill=0)
    return np.asarray(img)


@pytest.mark.slow
def test_ocr_rapidocr_reads_lines_and_numbers():
    engine = get_engine("rapidocr", threads=2)
    lines = ["本年新收政府信息公开申请数量", "1,024", "0", "-17"]
    read = engine.recognize([_line(t) for t in lines])
    assert [t for t, _ in read] == lines
    assert all(score > 0.9 for _, score in read)
    page = np.full((400, 900), 255, np.uint8)
    page[100:160, 50:50 + _line("二、主动公开政府信息情况").shape[1]] = _line("二、主动公开政府信息情况")
    boxes = engine(page)
    assert [b.text for b in boxes] == ["二、主动公开政府信息情况"]
    assert 40 <= boxes[0].bbox[0] <= 80 and 100 <= boxes[0].bbox[1] <= 130


@pytest.mark.slow
def test_ocr_rapidocr_tells_upside_down_lines():
    engine = get_engine("rapidocr", threads=2)
    crops = [_line(t) for t in ("根据《中华人民共和国政府信息公开条例》", "本报告所列数据的统计期限")]
    assert engine.upside_down(crops) < 0.5
    assert engine.upside_down([np.ascontiguousarray(c[::-1, ::-1]) for c in crops]) > 0.5
