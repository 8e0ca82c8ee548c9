"""Entry point of the frozen app (pyside6-deploy / Nuitka): the same as `desk-gui`."""

import sys

from desk_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
