"""Provides :class:`FindingPanel`: the findings on the cursor line, in full, with their questions."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from triage.models import suppression_note
from tui.safe import safe_text
from tui.widgets.diff_view import SEVERITY_STYLE


def findings_text(findings: list[dict], *, position: int | None = None, total: int = 0) -> Text:
    """The findings at one line (most severe first), or a hint on how to reach them.

    ``position`` is the 1-based number of the line's first counted finding among
    ``total``, the change's findings counted one per finding (suppressed ones are
    shown but not counted), as the header and the file list count them.
    """
    if not findings:
        if total:
            return Text.assemble(("No finding on this line. ", "dim"),
                                 ("n", "bold"), " / ", ("N", "bold"),
                                 f": next / previous of {total} finding{'s' if total != 1 else ''}.")
        return Text("No findings in this change.", style="dim")
    out = Text(end="")
    for i, f in enumerate(findings):
        if i:
            out.append("\n")
        sev = str(f.get("severity", "info"))
        out.append(f" {sev.upper()} ", SEVERITY_STYLE.get(sev, SEVERITY_STYLE["info"]) + Style(reverse=True))
        out.append(" ")
        out.append_text(safe_text(str(f.get("rule", "")), "bold"))
        out.append("  ")
        out.append_text(safe_text(f"{f.get('path', '')}:{f.get('line', '')}", "cyan"))
        note = suppression_note(f)
        if f.get("suppressed_by") in ("change", "inserted"):
            out.append(f"  ⚠ {note}", "bold yellow")
        elif note:
            out.append(f"  ({note})", "dim italic")
        if position is not None and i == 0 and total:
            counted = sum(1 for g in findings if not g.get("suppressed"))
            numbers = f"{position}" if counted <= 1 else f"{position}–{position + counted - 1}"
            out.append(f"   finding{'s' if counted > 1 else ''} {numbers} of {total}", "dim")
        out.append("\n")
        out.append_text(safe_text(str(f.get("message", ""))))
        question = str(f.get("question", ""))
        if question:
            out.append("\n")
            out.append("? ", "bold yellow")
            out.append_text(safe_text(question, "bold"))
    return out


class FindingPanel(VerticalScroll, can_focus=False):
    """Shows the finding(s) under the diff cursor and the question they raise."""

    def compose(self):
        yield Static(Text("Loading…", style="dim"), id="finding-text", markup=False)

    def show(self, findings: list[dict], *, position: int | None = None, total: int = 0) -> None:
        """Show ``findings`` (those on the cursor line); ``position`` is 1-based among ``total``."""
        self.query_one("#finding-text", Static).update(findings_text(findings, position=position, total=total))
        self.border_title = "Finding" if findings else "Findings"
        self.scroll_home(animate=False)
