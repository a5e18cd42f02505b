"""Write a screenshot (SVG, 100x32) of each screen of sg-assess into this folder.

    python screens/make_screens.py

Everything shown is the fictional demo data, built afresh in a temporary folder
with predictable ids, a fixed date (2 March 2026) and a fixed user, by the same
scenes as the snapshot tests (tests/snapshot_apps.py), so the pictures only
change when the app does.  Nothing outside the temporary folder is read or
written except the SVGs here: your own database, settings and questionnaires
are not used.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZE = (100, 32)

# name of the SVG -> name of the scene in tests/snapshot_apps.py
SCREENS = {
    "home": "home",
    "home-empty": "home-empty",
    "new-assessment": "new-assessment",
    "editor": "editor",
    "editor-group": "editor-group",
    "row-dialog": "row-dialog",
    "quality-check": "quality-check",
    "preview": "preview",
    "help": "help",
}


def isolate(folder: Path) -> None:
    """Point sg-assess's data, settings and user at the temporary folder (before it is imported)."""
    os.environ["SG_ASSESS_DATA_DIR"] = str(folder / "data")
    os.environ["SG_ASSESS_CONFIG"] = str(folder / "config.toml")
    os.environ["SG_ASSESS_USER"] = "Sam Worker (fictional)"
    for name in ("SG_ASSESS_DB", "SG_ASSESS_QUESTIONNAIRES"):
        os.environ.pop(name, None)
    for path in (ROOT / "src", ROOT):
        sys.path.insert(0, str(path))


async def shoot(folder: Path) -> list[Path]:
    from tests.snapshot_apps import SHOTS, app_for, build_demo_db

    demo_db = folder / "demo" / "demo.db"
    demo_ids = build_demo_db(demo_db)
    shots = {shot.name: shot for shot in SHOTS}
    written = []
    for svg_name, scene_name in SCREENS.items():
        shot = shots[scene_name]
        app = app_for(shot, demo_db, demo_ids, folder / svg_name)
        async with app.run_test(size=SIZE) as pilot:
            await shot.scene(pilot)
            written.append(Path(app.save_screenshot(filename=f"{svg_name}.svg", path=str(HERE))))
        print(f"{svg_name}.svg  {shot.about}")
    return written


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sg-assess-screens-") as temp:
        folder = Path(temp)
        isolate(folder)
        written = asyncio.run(shoot(folder))
    print(f"{len(written)} screenshots written to {HERE}")


if __name__ == "__main__":
    main()
