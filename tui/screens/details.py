"""Provides :class:`FactorsModal`: why a change got its tier, who wrote it, and its full message."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.safe import safe_text
from tui.widgets.footer import TriageFooter
from tui.widgets.queue_table import tier_badge


def factors_text(row: dict) -> Text:
    """The risk factors, provenance evidence, sampling and message of a change row."""
    out = Text(end="")
    out.append_text(tier_badge(row.get("tier") or "LOW"))
    out.append(f"  score {row.get('score', 0):g}\n\n", "bold")
    out.append("Why this tier\n", "bold underline")
    factors = row.get("factors") or []
    if not factors:
        out.append("  no risk factors\n", "dim")
    for f in factors:
        out.append(f"  {f.get('points', 0):>6g}  ", "bold")
        out.append_text(safe_text(str(f.get("name", "")), "cyan"))
        out.append("  ")
        out.append_text(safe_text(str(f.get("detail", ""))))
        out.append("\n")
    out.append("\nProvenance\n", "bold underline")
    out.append("  ")
    out.append_text(safe_text(f"{row.get('kind', '?')}: {row.get('agent') or 'no agent named'}"))
    out.append("\n")
    for ev in row.get("evidence") or []:
        out.append("  · ")
        out.append_text(safe_text(str(ev.get("signal", "")), "magenta"))
        out.append(": ")
        out.append_text(safe_text(str(ev.get("detail", ""))))
        out.append(f"  (+{ev.get('weight', 0)})\n", "dim")
    if row.get("provenance_note"):
        out.append("  ! provenance incomplete: ", "bold yellow")
        out.append_text(safe_text(str(row["provenance_note"])))
        out.append("\n")
    if row.get("draft"):
        out.append("  draft pull request: push posts to it only with --include-drafts\n", "yellow")
    out.append("\nSampling\n", "bold underline")
    if row.get("sampled"):
        rate = row.get("sample_rate")
        out.append(f"  ★ drawn for a deep-dive review (rate {rate:.0%})\n" if rate else "  ★ drawn for a deep dive\n",
                   "yellow")
    else:
        out.append("  not drawn for a deep dive\n", "dim")
    if row.get("is_merge"):
        out.append("  merge commit: diffed against its first parent\n", "dim")
    out.append("\nCommit\n", "bold underline")
    out.append("  ")
    out.append_text(safe_text(str(row.get("id", "")), "cyan"))
    out.append("\n  ")
    out.append_text(safe_text(f"{row.get('author_name', '')} <{row.get('author_email', '')}>"))
    ts = row.get("authored_at")
    if ts:
        out.append("  " + datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "dim")
    out.append("\n\n")
    for line in str(row.get("message", "")).split("\n"):
        out.append("  ")
        out.append_text(safe_text(line, tab_size=4))
        out.append("\n")
    return out


class FactorsModal(ModalScreen[None]):
    """The risk factors and provenance of a change, on demand."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f,q", "close", "Close", id="factors.close", tooltip="Close the risk factors."),
        Binding("j,down", "scroll('down')", "Down", show=False, id="factors.down", tooltip="Scroll down."),
        Binding("k,up", "scroll('up')", "Up", show=False, id="factors.up", tooltip="Scroll up."),
    ]
    """Keys of the risk-factor view."""

    def __init__(self, row: dict) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="factors-dialog"):
            yield Label("Risk factors and provenance", id="factors-heading")
            with VerticalScroll(id="factors-body"):
                yield Static(factors_text(self.row), markup=False)
        yield TriageFooter()

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#factors-body", VerticalScroll)
        body.scroll_relative(y=1 if direction == "down" else -1, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
