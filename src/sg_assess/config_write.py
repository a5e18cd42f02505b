"""Saving one setting in the user's config file, keeping the others as they are."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from sg_assess import paths
from sg_assess.errors import SgError
from sg_assess.fileio import atomic_write


def _toml_value(value: str | list[str]) -> str:
    # A JSON string is a valid TOML basic string (same escapes); so is a list of them.
    return json.dumps(value, ensure_ascii=False)


def save_setting(key: str, value: str | list[str], path: Path | None = None) -> Path:
    """Set ``key`` in the config file (created if missing); other settings are kept."""
    path = path or paths.config_file()
    data: dict[str, object] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SgError(f"{path}: cannot update the config file ({exc}); fix or delete it") from None
    data[key] = value
    lines = ["# sg-assess settings (see the README)"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in sorted(data.items()) if isinstance(v, (str, list))]
    return atomic_write(path, ("\n".join(lines) + "\n").encode("utf-8"))
