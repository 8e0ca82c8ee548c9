"""`python -m desk_gui`: the same as the `desk-gui` command."""

import sys

from desk_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
