"""The user's config file (TOML).  Read on demand; a missing file is an empty config."""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sg_assess import paths
from sg_assess.errors import SgError
from sg_assess.identity import check_name, check_role

KNOWN_KEYS = {"user", "role", "agency", "database", "questionnaire_dirs", "theme", "backups_keep"}


@dataclass(frozen=True)
class Config:
    path: Path
    user: str | None = None
    role: str | None = None
    agency: str | None = None  # the user's agency, recorded on each assessment they create (shown in exports)
    database: str | None = None
    questionnaire_dirs: tuple[Path, ...] = field(default_factory=tuple)
    theme: str | None = None
    backups_keep: int = 7  # daily backups kept beside the database; 0 turns them off


def load_config(path: Path | None = None) -> Config:
    path = path or paths.config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        raise SgError(f"cannot read the config file {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SgError(f"{path}: the config file is not valid TOML ({exc}); fix or delete it") from None
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise SgError(f"{path}: unknown setting {unknown[0]!r}; known settings: {', '.join(sorted(KNOWN_KEYS))}")
    dirs = data.get("questionnaire_dirs", [])
    if isinstance(dirs, str):
        dirs = [dirs]
    if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
        raise SgError(f"{path}: questionnaire_dirs must be a list of folder paths")
    for key in ("user", "role", "agency", "database", "theme"):
        if key in data and not isinstance(data[key], str):
            raise SgError(f"{path}: {key} must be a string")
    keep = data.get("backups_keep", 7)
    if isinstance(keep, bool) or not isinstance(keep, int) or not 0 <= keep <= 365:
        raise SgError(f"{path}: backups_keep must be a whole number from 0 to 365")
    base = path.parent
    return Config(
        backups_keep=keep,
        path=path,
        user=data.get("user"),
        role=data.get("role"),
        agency=(data.get("agency") or "").strip() or None,
        database=data.get("database"),
        questionnaire_dirs=tuple((base / Path(d).expanduser()) for d in dirs),
        theme=data.get("theme"),
    )


def current_role(config: Config | None = None) -> str:
    """practitioner or supervisor: SG_ASSESS_ROLE, the config file, or practitioner.

    Anything else is refused (UsageError naming where it came from): a role is
    recorded on every change, so an unknown one is never used.
    """
    if role := os.environ.get(paths.ENV_ROLE, "").strip():
        return check_role(role, source=f"from {paths.ENV_ROLE}")
    if config and config.role is not None and config.role.strip():
        return check_role(config.role, source=f"from {config.path}")
    return "practitioner"


def current_user(config: Config | None = None) -> str:
    """Who is making changes: SG_ASSESS_USER, the config file, or the OS user (checked by ``check_name``)."""
    if name := os.environ.get(paths.ENV_USER, "").strip():
        return check_name(name, what=f"the name in {paths.ENV_USER}")
    if config and config.user and config.user.strip():
        return check_name(config.user, what=f"the name in {config.path}")
    try:
        return check_name(getpass.getuser() or "unknown", what="the login name")
    except (OSError, KeyError, ImportError, SgError):
        return "unknown"
