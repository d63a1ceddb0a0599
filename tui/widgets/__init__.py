"""Provides the triage widgets: queue table, diff view, file list, checklist, finding panel."""

from tui.widgets.checklist import ChecklistPanel
from tui.widgets.diff_view import DiffView
from tui.widgets.file_list import FileList
from tui.widgets.finding_panel import FindingPanel
from tui.widgets.queue_table import QueueTable

__all__ = ["ChecklistPanel", "DiffView", "FileList", "FindingPanel", "QueueTable"]
