"""Provides the command palette: namespaced commands ("queue: …", "review: …", "view: …").

One registry, :func:`commands_for`, lists the commands that make sense on the
current screen (the queue's filters on the queue, finding navigation in a
review, marking the digest read on the digest, views everywhere). Each command names an action method of its target
(the app or the screen) and its arguments, so the palette and the key
bindings run the same code. Agent names come from the store, so they are made
safe and never parsed as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from triage.models import TIERS, VERDICTS
from triage.sanitize import display

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["PaletteCommand", "TriageCommands", "commands_for", "palette_score"]


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry: ``target`` is ``"app"`` or ``"screen"``; ``action`` an action name."""

    title: str
    help: str
    target: str
    action: str
    args: tuple = ()


VIEW_COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("view: queue", "Go back to the review queue.", "app", "show_queue"),
    PaletteCommand("view: daily digest", "Merged since the last digest, still unreviewed, verdicts given (D).",
                   "app", "show_digest"),
    PaletteCommand("view: stats", "Review effectiveness, defect rate, review time, velocity, queue counts (S).",
                   "app", "show_stats"),
    PaletteCommand("view: help", "Every key of every screen.", "app", "show_help"),
    PaletteCommand("app: quit", "Leave triage.", "app", "quit"),
)

REVIEW_COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("review: next finding", "Jump to the next finding (n).", "screen", "next_finding"),
    PaletteCommand("review: previous finding", "Jump to the previous finding (N).", "screen", "prev_finding"),
    PaletteCommand("review: next file", "Jump to the next file (]).", "screen", "next_file"),
    PaletteCommand("review: previous file", "Jump to the previous file ([).", "screen", "prev_file"),
    PaletteCommand("review: side by side", "Toggle the side-by-side diff (s).", "screen", "toggle_split"),
    PaletteCommand("review: wrap long lines", "Wrap long lines instead of scrolling sideways (w).", "screen",
                   "toggle_wrap"),
    PaletteCommand("review: search the diff", "Find text in the diff; n / N go from match to match (/).", "screen",
                   "search"),
    PaletteCommand("review: open in browser", "Open the change's web page (b).", "screen", "browser"),
    PaletteCommand("review: copy id, sha or URL", "Copy the change's id, sha or web address (y).", "screen", "copy"),
    PaletteCommand("review: risk factors", "Why this tier, provenance and the full message (f).", "screen",
                   "factors"),
    PaletteCommand("review: checklist", "Go to the checklist (c).", "screen", "focus_checklist"),
    PaletteCommand("review: mark file viewed", "Toggle the current file's viewed mark (m).", "screen",
                   "toggle_viewed"),
    PaletteCommand("review: verdict", "Record a verdict with a note (v).", "screen", "verdict"),
    PaletteCommand("review: hand over", "Hand the change to another reviewer of the team roster (o).", "screen",
                   "handover"),
    PaletteCommand("review: back to the queue", "Leave this change (Esc).", "screen", "back"),
)

DIGEST_COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("digest: review selected", "Review the change under the cursor (Enter).", "screen",
                   "open_review"),
    PaletteCommand("digest: mark read and continue", "The next digest starts now; go to the queue (m).", "screen",
                   "mark_read"),
    PaletteCommand("digest: reload", "Gather the digest again (r).", "screen", "reload"),
)


def _queue_commands(screen) -> list[PaletteCommand]:
    out = [
        PaletteCommand("queue: open selected change", "Review the change under the cursor (Enter).", "screen",
                       "open_review"),
        PaletteCommand("queue: search", "Search titles, ids, agents, authors and paths (/).", "screen", "search"),
        PaletteCommand("queue: clear filters", "Show every change again (x).", "screen", "clear_filters"),
        PaletteCommand("queue: only mine", "Changes assigned to or reviewed by you (m).", "screen", "toggle_mine"),
        PaletteCommand("queue: only deep-dive samples", "Changes drawn for a deep dive, ★ (d).", "screen",
                       "toggle_sampled"),
        PaletteCommand("queue: include human changes", "Show human- and bot-authored changes too (H).", "screen",
                       "toggle_all"),
        PaletteCommand("queue: approve selected", "Approve; risky changes ask for confirmation (a).", "screen",
                       "quick_approve"),
        PaletteCommand("queue: verdict on selected", "Record a verdict with a note (v).", "screen", "verdict"),
        PaletteCommand("queue: hand over selected", "Hand the change to another reviewer of the team roster (o).",
                       "screen", "handover"),
        PaletteCommand("queue: undo the last approve", "Undo this session's latest one-key approve (u).", "screen",
                       "undo"),
        PaletteCommand("queue: pick an agent", "Filter by agent, from a list (w).", "screen", "pick_agent"),
        PaletteCommand("queue: pick a reviewer", "Filter by reviewer, from a list (M).", "screen", "pick_reviewer"),
        PaletteCommand("queue: open in browser", "Open the selected change's web page (b).", "screen", "browser"),
        PaletteCommand("queue: copy id, sha or URL", "Copy the selected change's id, sha or web address (y).",
                       "screen", "copy"),
        PaletteCommand("queue: reload", "Read the queue from the database again (r).", "screen", "reload"),
    ]
    out += [PaletteCommand(f"queue: filter {t}", f"Only {t} changes.", "screen", "filter", ("tier", t))
            for t in reversed(TIERS)]
    for state in ("unreviewed", "reviewed", *VERDICTS):
        out.append(PaletteCommand(f"queue: filter state {state}", f"Only {state} changes.", "screen", "filter",
                                  ("state", state)))
    for agent in getattr(screen, "facets", {}).get("agents", []):
        out.append(PaletteCommand(f"queue: filter agent {display(agent)}", "Only this agent's changes.", "screen",
                                  "filter", ("agent", agent)))
    for person in getattr(screen, "facets", {}).get("reviewers", []):
        out.append(PaletteCommand(f"queue: filter reviewer {display(person)}",
                                  "Changes assigned to or reviewed by this person.", "screen", "filter",
                                  ("reviewer", person)))
    return out


def commands_for(screen: "Screen") -> list[PaletteCommand]:
    """The commands offered on ``screen`` (by the ``PALETTE`` its class names: ``queue``,
    ``review`` or ``digest``; the commands never import the screens)."""
    palette = getattr(screen, "PALETTE", None)
    out: list[PaletteCommand] = []
    if palette == "queue":
        out += _queue_commands(screen)
    elif palette == "review":
        out += REVIEW_COMMANDS
    elif palette == "digest":
        out += DIGEST_COMMANDS
    return out + list(VIEW_COMMANDS)


def palette_score(query: str, title: str, fuzzy: float) -> float:
    """Rank a command for ``query``: the fuzzy score, raised when every typed word is a whole word of
    the title, more when the title (past its namespace) starts with them, and most when it is exactly
    what was typed: ``approve`` finds "queue: approve selected" before "queue: undo the last approve"."""
    typed = query.lower().split()
    if not typed:
        return fuzzy
    action = title.lower().partition(": ")[2] or title.lower()
    words = re.findall(r"[\w★+-]+", action)
    score = fuzzy
    if all(w in words for w in typed):
        score += 1.0
        if words[:len(typed)] == typed:
            score += 0.5
        if words == typed:
            score += 1.0
    return score


MATCH_STYLE = Style(bold=True, underline=True)
"""How matched letters are drawn in the palette."""


def _highlight(title: str, offsets, style) -> Text:
    text = Text(title, end="")  # a plain Text: never parsed as markup
    for offset in offsets:
        if offset < len(title) and not title[offset].isspace():
            text.stylize(style, offset, offset + 1)
    return text


class TriageCommands(Provider):
    """The palette provider for triage's commands."""

    def _runner(self, command: PaletteCommand):
        target = self.app if command.target == "app" else self.screen
        method = getattr(target, f"action_{command.action}")
        return partial(method, *command.args)

    async def discover(self) -> Hits:
        for command in commands_for(self.screen):
            yield DiscoveryHit(Text(command.title, end=""), self._runner(command), text=command.title,
                               help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in commands_for(self.screen):
            score = matcher.match(command.title)
            if score > 0:
                _, offsets = matcher.fuzzy_search.match(matcher.query, command.title)
                yield Hit(palette_score(query, command.title, score), _highlight(command.title, offsets, MATCH_STYLE),
                          self._runner(command), text=command.title, help=command.help)
