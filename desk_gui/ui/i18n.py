"""Languages of the window: Qt Linguist catalogs, chosen by the system locale.

The user may override the choice in the Language menu; the override is stored in
QSettings and applied live: installing a translator sends every widget a
LanguageChange event, and each pane re-reads its strings then.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from desk_gui.models import i18n as catalogs

# The engine reads the same catalogs for agents' mails: one list, one directory.
LANGUAGES = catalogs.LANGUAGES
SETTING = "ui/language"


# Where the style sheet and the catalogs are: one place for the window and the engine.
resources_dir = catalogs.resources_dir
translations_dir = catalogs.translations_dir


def system_language() -> str:
    """The system locale's language if we have a catalog for it, else English."""
    for name in QLocale.system().uiLanguages():
        lang = name.replace("-", "_").split("_")[0].lower()
        if lang in LANGUAGES:
            return lang
    return "en"


def chosen_language(settings: QSettings) -> str:
    """The language the user picked in the menu, or the system's."""
    value = str(settings.value(SETTING, "") or "")
    return value if value in LANGUAGES else system_language()


class Translations:
    """The translators installed on the application; swapped as a whole."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self.language = "en"

    def apply(self, language: str) -> bool:
        """Switch to a language live; False when its catalog is missing."""
        if language not in LANGUAGES:
            language = "en"
        for old in self._installed:
            self._app.removeTranslator(old)
        self._installed.clear()
        locale = QLocale(language)
        QLocale.setDefault(locale)
        ours = self._load(locale, "desk", translations_dir())
        # Qt's own strings (dialog buttons, context menus) come from its catalog.
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        self._load(locale, "qtbase", Path(qt_dir))
        self.language = language
        return ours or language == "en"

    def _load(self, locale: QLocale, name: str, directory: Path) -> bool:
        translator = QTranslator(self._app)
        if not translator.load(locale, name, "_", str(directory)):
            return False
        self._app.installTranslator(translator)
        self._installed.append(translator)
        return True
