"""The engine in the status bar: a progress bar while a big import runs, failing mailboxes.

The bar shows only for imports of at least SHOW_FROM mails (a single new mail would
just flash it): done/total over every mailbox importing at once, and the rate. When
the last import is done it stays full for a moment, then hides. A failing mailbox
(or outbox pass) shows as a warning button; its tooltip lists every failure, a click
opens the mailbox settings. A recovered one disappears from it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QStyle,
    QToolButton,
    QWidget,
)

from desk_gui.models.reason import Reason
from desk_gui.sync.mail_in.worker import Progress

from . import labels
from .engine_runner import EngineRunner

SHOW_FROM = 50  # mails in one pass
LINGER_MS = 2000  # a finished import stays visible this long


class SyncProgress(QWidget):
    openSettings = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncProgress")
        self._imports: dict[str, Progress] = {}
        self._errors: dict[str, Reason] = {}
        self.label = QLabel()
        self.label.setObjectName("syncLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("syncBar")
        self.bar.setFixedWidth(140)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.problems = QToolButton()
        self.problems.setObjectName("syncProblems")
        self.problems.setAutoRaise(True)
        self.problems.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.problems.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
        self.problems.clicked.connect(self.openSettings)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.problems)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self._linger = QTimer(self)
        self._linger.setSingleShot(True)
        self._linger.setInterval(LINGER_MS)
        self._linger.timeout.connect(self._hide_progress)
        self._hide_progress()
        self.problems.hide()

    def follow(self, runner: EngineRunner) -> None:
        runner.progressed.connect(self.show_progress)
        runner.failed.connect(self.show_failure)
        runner.recovered.connect(self.clear_failure)

    # --- progress ---------------------------------------------------------------------

    def show_progress(self, progress: Progress) -> None:
        if progress.total < SHOW_FROM and progress.mailbox not in self._imports:
            return
        self._imports[progress.mailbox] = progress
        self._linger.stop()
        self._render_progress()
        if all(p.done >= p.total for p in self._imports.values()):
            self._linger.start()

    def _render_progress(self) -> None:
        done = sum(min(p.done, p.total) for p in self._imports.values())
        total = sum(p.total for p in self._imports.values())
        rate = sum(p.rate for p in self._imports.values())
        locale = QLocale()
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.label.setText(
            self.tr("Importing mail: {done} of {total}").format(
                done=locale.toString(done), total=locale.toString(total)
            )
        )
        names = ", ".join(sorted(self._imports))
        self.bar.setToolTip(
            self.tr("{mailboxes}: {rate} mails per second").format(
                mailboxes=names, rate=locale.toString(round(rate))
            )
        )
        self.label.setToolTip(self.bar.toolTip())
        self.label.show()
        self.bar.show()

    def _hide_progress(self) -> None:
        self._imports.clear()
        self.label.hide()
        self.bar.hide()

    @property
    def importing(self) -> bool:
        return self.bar.isVisible()

    # --- failures ---------------------------------------------------------------------

    def show_failure(self, name: str, why: Reason) -> None:
        self._errors[name] = why
        self._render_failures()

    def clear_failure(self, name: str) -> None:
        self._errors.pop(name, None)
        self._render_failures()

    def failures(self) -> dict[str, str]:
        """Each failing mailbox or pass with why, in the UI's language."""
        return {name: labels.reason(why) for name, why in self._errors.items()}

    def _render_failures(self) -> None:
        if not self._errors:
            self.problems.hide()
            return
        if len(self._errors) == 1:
            [name] = self._errors
            self.problems.setText(self.tr("{name}: failing").format(name=name))
        else:
            self.problems.setText(self.tr("Mail: %n problem(s)", "", len(self._errors)))
        lines = [f"{name}: {why}" for name, why in sorted(self.failures().items())]
        hint = self.tr("Click to open the mailbox settings.")
        self.problems.setToolTip("\n".join([*lines, "", hint]))
        self.problems.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            if self._imports:
                self._render_progress()
            self._render_failures()
        super().changeEvent(event)
