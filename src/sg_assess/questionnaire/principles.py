"""The practice principles and children's needs that questions serve (principles.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PRINCIPLES_FILE = Path(__file__).with_name("principles.toml")


@dataclass(frozen=True)
class Principle:
    id: str
    title: str
    description: str
    group: str  # "principle" or "need"


@cache
def all_principles() -> dict[str, Principle]:
    """Every principle and need by id, principles first, in file order."""
    data = tomllib.loads(PRINCIPLES_FILE.read_text(encoding="utf-8"))
    out: dict[str, Principle] = {}
    for group, key in (("principle", "principles"), ("need", "needs")):
        for item in data[key]:
            out[item["id"]] = Principle(item["id"], item["title"], item["description"], group)
    return out


def principle_title(pid: str) -> str:
    p = all_principles().get(pid)
    return p.title if p else pid
