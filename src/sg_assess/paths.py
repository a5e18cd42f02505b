"""Where sg-assess keeps things.  Nothing here creates a file or folder.

Every location can be moved with an environment variable, so that tests,
portable installs and locked-down machines can point it somewhere writable.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "sg-assess"

ENV_DB = "SG_ASSESS_DB"
ENV_DATA_DIR = "SG_ASSESS_DATA_DIR"
ENV_CONFIG = "SG_ASSESS_CONFIG"
ENV_QUESTIONNAIRES = "SG_ASSESS_QUESTIONNAIRES"
ENV_USER = "SG_ASSESS_USER"
ENV_ROLE = "SG_ASSESS_ROLE"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    return _env_path(ENV_DATA_DIR) or platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    return _env_path(ENV_CONFIG) or platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def log_dir() -> Path:
    if env := _env_path(ENV_DATA_DIR):
        return env / "logs"
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def documents_dir() -> Path:
    return platformdirs.user_documents_path()


def default_db_path() -> Path:
    return data_dir() / "sg-assess.db"


def demo_db_path() -> Path:
    return data_dir() / "sg-assess-demo.db"


def env_questionnaire_dirs() -> list[Path]:
    raw = os.environ.get(ENV_QUESTIONNAIRES, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def builtin_questionnaire_dir() -> Path:
    """The questionnaires shipped with sg-assess.

    In a wheel they are package data (``sg_assess/questionnaires``); in a source
    checkout or an editable install they sit at the top of the repository.
    """
    packaged = Path(__file__).resolve().parent / "questionnaires"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "questionnaires"
