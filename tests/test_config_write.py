"""Issue 9: saving a setting keeps every other setting and every comment in the config file (tomlkit)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.config import load_config
from sg_assess.config_write import save_setting
from sg_assess.errors import SgError

HAND_WRITTEN = """\
# Team settings: ask Jo before changing
user = "Sam Worker"   # as on my badge
backups_keep = 3      # the laptop's disk is small

# our own questionnaires
questionnaire_dirs = ["/team/questionnaires"]
"""


@pytest.fixture
def config(isolated_env: Path) -> Path:
    path = isolated_env / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def test_saving_keeps_comments_numbers_and_order(config: Path) -> None:
    save_setting("role", "supervisor", config)
    save_setting("user", "Kim Other", config)
    text = config.read_text(encoding="utf-8")
    assert text == HAND_WRITTEN.replace('"Sam Worker"', '"Kim Other"') + 'role = "supervisor"\n'
    loaded = load_config(config)
    assert loaded.backups_keep == 3 and loaded.user == "Kim Other" and loaded.role == "supervisor"


def test_the_cli_keeps_them_too(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SG_ASSESS_USER")
    result = CliRunner().invoke(app, ["config", "--name", "Kim Other", "--role", "practitioner"])
    assert result.exit_code == 0, result.output
    text = config.read_text(encoding="utf-8")
    assert "# Team settings: ask Jo before changing" in text and "# the laptop's disk is small" in text
    assert tomllib.loads(text)["backups_keep"] == 3 and "backups_keep: 3" not in result.stdout


def test_a_new_file_is_created_with_a_header(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_setting("theme", "nord", path)
    assert path.read_text(encoding="utf-8").startswith("# sg-assess settings")
    assert load_config(path).theme == "nord"


def test_values_with_quotes_and_escapes_round_trip(config: Path) -> None:
    save_setting("user", 'Sam "the" \\ Worker', config)
    assert load_config(config).user == 'Sam "the" \\ Worker'


def test_a_broken_file_is_never_rewritten(config: Path) -> None:
    config.write_text('user = "unterminated\n# keep me\n', encoding="utf-8")
    before = config.read_bytes()
    with pytest.raises(SgError, match="not valid TOML"):
        save_setting("theme", "nord", config)
    assert config.read_bytes() == before


async def test_the_app_keeps_them_when_the_theme_changes(config: Path, tmp_path: Path) -> None:
    from sg_assess.tui.app import create_app

    app_ = create_app(tmp_path / "a.db", config_path=config, user="Sam Worker", role="practitioner")
    async with app_.run_test() as pilot:
        await pilot.pause()
        app_.theme = "nord"
        await pilot.pause()
    text = config.read_text(encoding="utf-8")
    assert 'theme = "nord"' in text and "# as on my badge" in text and "backups_keep = 3" in text
