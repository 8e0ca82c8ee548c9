"""The `desk-gui` command line (entry point `desk_gui.cli:main`)."""

from .main import main

__all__ = ["main"]
