"""Provides the screens: queue, review, stats, help, and the verdict, note and risk-factor dialogs."""

from tui.screens.details import FactorsModal
from tui.screens.help import HelpScreen
from tui.screens.note import NoteModal
from tui.screens.queue import QueueScreen
from tui.screens.review import ReviewScreen
from tui.screens.stats import StatsScreen
from tui.screens.verdict import VerdictChoice, VerdictModal

__all__ = [
    "FactorsModal",
    "HelpScreen",
    "NoteModal",
    "QueueScreen",
    "ReviewScreen",
    "StatsScreen",
    "VerdictChoice",
    "VerdictModal",
]
