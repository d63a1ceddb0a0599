"""Provides the screens: queue, review, digest, stats, help, and the verdict, note, risk-factor, hand-over dialogs."""

from tui.screens.details import FactorsModal
from tui.screens.digest import DigestScreen
from tui.screens.handover import HandoverModal
from tui.screens.help import HelpScreen
from tui.screens.note import NoteModal
from tui.screens.queue import QueueScreen
from tui.screens.review import ReviewScreen
from tui.screens.stats import StatsScreen
from tui.screens.verdict import VerdictChoice, VerdictModal

__all__ = [
    "DigestScreen",
    "FactorsModal",
    "HandoverModal",
    "HelpScreen",
    "NoteModal",
    "QueueScreen",
    "ReviewScreen",
    "StatsScreen",
    "VerdictChoice",
    "VerdictModal",
]
