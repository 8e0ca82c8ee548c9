#!/bin/sh
# Re-extract the UI's strings (and the refusals commands raise: QT_TRANSLATE_NOOP in
# models and sync) into the catalogs and compile them (run from anywhere).
# Then translate new entries of desk_de.ts (Qt Linguist: `uv run pyside6-linguist`)
# and run this again; tests/ui/test_translations.py fails while any is missing.
set -eu
cd "$(dirname "$0")/../.."
uv run pyside6-lupdate -silent -no-obsolete -locations relative -extensions py desk_gui/ui desk_gui/models desk_gui/sync \
    -ts resources/translations/desk_de.ts resources/translations/desk_en.ts
uv run pyside6-lrelease -silent resources/translations/desk_de.ts resources/translations/desk_en.ts
