"""The wheel carries what an installed Desk reads as files: catalogs, style, migrations.

Built with `uv build` (as a release is) and unpacked, not installed: importing from the
unpacked tree is what site-packages does, without a virtual environment per test run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is not on PATH: the project is built and tested with it")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([uv, "build", "--wheel", "-q", "-o", str(out), str(ROOT)], check=True)
    [built] = out.glob("desk_gui-*.whl")
    return built


def test_the_wheel_holds_resources_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("de", "en"):
        assert f"desk_gui/resources/translations/desk_{lang}.qm" in names
        assert f"desk_gui/resources/translations/desk_{lang}.ts" in names
    assert "desk_gui/resources/style.qss" in names
    assert "desk_gui/resources/icons/desk.svg" in names
    versions = {n for n in names if n.startswith("desk_gui/models/migrations/versions/")}
    shipped = {p.name for p in (ROOT / "desk_gui/models/migrations/versions").glob("*.py")}
    assert {Path(n).name for n in versions} >= shipped


def test_an_unpacked_wheel_finds_its_catalogs(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    probe = (
        "from desk_gui.models import i18n\n"
        "print(i18n.resources_dir())\n"
        "print(i18n.translate('de', 'Labels', 'Subject'))\n"
    )
    # -I: only the unpacked wheel and the standard library, not the source tree.
    env_path = [str(tmp_path), *[p for p in sys.path if "site-packages" in p]]
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path[:0] = {env_path!r}\n" + probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    where, subject = result.stdout.splitlines()
    assert Path(where) == tmp_path / "desk_gui" / "resources"
    assert subject == "Betreff"
