"""Data shipped for a questionnaire whose text is pinned (version 1): what its own file would say if it could.

A questionnaire's content hash is kept in every assessment made with it, so its text never changes.  The tables
later versions carry in their own file ([[rules]], [[chronology]], [summary], [redact]) live for it in
``pinned/<id>-v<version>.toml``, read once here by whoever needs one: the loader, the summary, the redactor.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from sg_assess.errors import QuestionnaireError

PINNED_DIR = Path(__file__).with_name("pinned")


def pinned_data_path(qid: str, version: int) -> Path:
    """The data shipped for a questionnaire whose text is pinned (version 1): what its own file would say."""
    return PINNED_DIR / f"{qid}-v{version}.toml"


@lru_cache(maxsize=32)
def pinned_data(qid: str, version: int) -> dict[str, Any]:
    """The tables shipped for a pinned questionnaire ([[rules]], [[chronology]], [summary], [redact]); {} if none.

    One file per questionnaire version, read once; a damaged one is refused (it is part of the program).
    """
    path = pinned_data_path(qid, version)
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise QuestionnaireError([f"{path}: cannot read the shipped data: {exc}"]) from None
