"""`xxgk annotate`: the commands exist and fail cleanly without a server or key."""

from click.testing import CliRunner

from xxgk.cli.main import main


def test_cli_annotate_lists_push_and_pull():
    out = CliRunner().invoke(main, ["annotate", "--help"])
    assert out.exit_code == 0 and "push" in out.output and "pull" in out.output


def test_cli_annotate_pull_without_a_key_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.delenv("XXGK_LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    out = CliRunner().invoke(main, ["annotate", "pull", "--project", "p", "--out", str(tmp_path / "o")])
    assert out.exit_code == 2 and "API key" in out.output
