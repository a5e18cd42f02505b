"""The wheel carries the questionnaires, principles and migrations, and finds them when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("sg_assess-*.whl")
    return path


@pytest.mark.slow
def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "sg_assess/questionnaires/safeguarding-assessment.toml",
        "sg_assess/questionnaires/safeguarding-assessment-v2.toml",
        "sg_assess/demo_data/v2-1-unborn.toml",
        "sg_assess/demo_data/v2-4-adolescent.toml",
        "sg_assess/questionnaire/principles.toml",
        "sg_assess/questionnaire/pinned/safeguarding-assessment-v1.toml",  # version 1's rules, summary, redaction
        "sg_assess/store/migrations/env.py",
        "sg_assess/store/migrations/versions/0001_initial.py",
        "sg_assess/cli.py",
    ):
        assert required in names, required
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "sg-assess = sg_assess.entry:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
def test_installed_wheel_finds_its_questionnaires_and_migrates(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import sg_assess, sg_assess.paths as p; from sg_assess.questionnaire.loader import discover;"
        "from sg_assess.store.repository import Store;"
        "q = discover().get(); print(sg_assess.__file__); print(p.builtin_questionnaire_dir()); print(q.id);"
        f"s = Store.open({str(tmp_path / 'w.db')!r}); print(s.count());"
        "import sg_assess.demo as d; print(q.version, len(d.DEMO_FAMILIES_V2))"
    )
    env = {**os.environ, "PYTHONPATH": str(site), "SG_ASSESS_DATA_DIR": str(tmp_path / "d")}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    module_file, qdir, qid, count, v2 = proc.stdout.split("\n")[:5]
    assert Path(module_file).is_relative_to(site)
    assert Path(qdir) == site / "sg_assess" / "questionnaires"
    assert (qid, count) == ("safeguarding-assessment", "0")
    assert v2 == "2 4"  # version 2 for new assessments, and the demo's data files, from the wheel


def test_source_checkout_finds_its_questionnaires() -> None:
    from sg_assess import paths

    assert (paths.builtin_questionnaire_dir() / "safeguarding-assessment.toml").is_file()
