"""Snapshot tests: every screen of the app, drawn from the fictional demo data, at 100x32 and 80x24.

The pictures are in tests/__snapshots__/test_snapshots/.  After a deliberate
change to the look of the app, look at the report pytest writes
(snapshot_report.html) and, if the new pictures are right, accept them with

    python -m pytest tests/test_snapshots.py --snapshot-update

The scenes (how the app is driven to each screen) are in tests/snapshot_apps.py,
shared with screens/make_screens.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshot_apps import SHOTS, SIZES, Shot, app_for, build_demo_db


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The demo database, built once (with predictable ids); each test runs on its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, build_demo_db(path)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("shot", SHOTS, ids=[s.name for s in SHOTS])
def test_screen(shot: Shot, size: tuple[int, int], demo: tuple[Path, list[str]], tmp_path: Path,
                snap_compare) -> None:
    demo_db, demo_ids = demo
    app = app_for(shot, demo_db, demo_ids, tmp_path / "work")
    assert snap_compare(app, terminal_size=size, run_before=shot.scene)
