"""The core (models, sync) works with no Qt at all: import-linter checks the imports we
write, this checks what actually gets imported at run time, indirect imports included."""

from __future__ import annotations

import subprocess
import sys

# Blocking a module by a None entry in sys.modules makes any `import PySide6` raise.
PROBE = """
import importlib, pkgutil, sys
for name in ("PySide6", "shiboken6", "qasync"):
    sys.modules[name] = None
import desk_gui.models, desk_gui.models.commands, desk_gui.models.queries, desk_gui.sync
imported = []
for package in (desk_gui.models, desk_gui.sync):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        # Migration scripts run only inside Alembic's context.
        if ".migrations" in info.name:
            continue
        importlib.import_module(info.name)
        imported.append(info.name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "qasync")
            and sys.modules[m] is not None)
assert not qt, qt
print(len(imported))
"""


def test_core_imports_without_qt() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 10, "walked the core's modules"


def test_the_probe_would_notice_qt() -> None:
    """The blocking works: importing Qt under it fails."""
    probe = "import sys\nsys.modules['PySide6'] = None\nimport PySide6.QtCore\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr
