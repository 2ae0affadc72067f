"""A feature whose extra is not installed says which extra to install (simulated: the module is
made unimportable for the test, as `sys.modules[name] = None` does)."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner
from PIL import Image

from xxgk.cli.main import main
from xxgk.errors import ExtractionError
from xxgk.extras import EXTRAS, MissingExtra, missing, require
from xxgk.inference.ingest import ingest


def _uninstall(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def test_every_extra_is_installed_in_the_development_environment() -> None:
    assert {name: missing(name) for name in EXTRAS} == dict.fromkeys(EXTRAS)


def test_require_names_the_extra_and_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    _uninstall(monkeypatch, "rapidocr")
    with pytest.raises(MissingExtra) as err:
        require("scan", "reading scans")
    assert err.value.extra == "scan" and isinstance(err.value, ImportError)
    assert str(err.value) == ("reading scans needs the `scan` extra (rapidocr is not installed): "
                              "pip install 'xxgk[scan]'")


def test_an_extra_installed_without_dependencies_gives_the_second_step(monkeypatch: pytest.MonkeyPatch) -> None:
    _uninstall(monkeypatch, "augraphy")
    with pytest.raises(MissingExtra, match=r"pip install 'xxgk\[scan-synth\]', then pip install --no-deps "
                                           r"'augraphy==8\.2\.6'"):
        require("scan-synth", "generated scans")


def test_an_image_without_the_scan_extra_is_refused_as_needs_ocr(tmp_path, monkeypatch) -> None:
    _uninstall(monkeypatch, "cv2")
    path = tmp_path / "page.png"
    Image.new("L", (200, 100), 255).save(path)
    with pytest.raises(ExtractionError) as err:
        ingest(path)
    assert err.value.error.category == "needs_ocr" and "pip install 'xxgk[scan]'" in err.value.error.message


def test_commands_without_their_extra_stop_with_the_pip_command(tmp_path, monkeypatch) -> None:
    _uninstall(monkeypatch, "torch", "fastapi", "ray")
    runner = CliRunner()
    train = runner.invoke(main, ["train"])
    assert train.exit_code == 1 and "pip install 'xxgk[train]'" in train.output
    serve = runner.invoke(main, ["serve"])
    assert serve.exit_code == 1 and "pip install 'xxgk[service]'" in serve.output
    report = tmp_path / "r.txt"
    report.write_text("一、总体情况\n", encoding="utf-8")
    ray = runner.invoke(main, ["extract", str(report), "--out", str(tmp_path / "out"), "--backend", "ray"])
    assert ray.exit_code == 1 and "pip install 'xxgk[ray]'" in ray.output
