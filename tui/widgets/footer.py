"""Provides :class:`TriageFooter`: Textual's footer, fitted to the terminal's width.

Textual's :class:`~textual.widgets.Footer` lists the keys in binding order
and cuts what does not fit, and the app's own keys come last: at 100 columns
``q Quit`` and ``? Help`` were the first to go. This footer always keeps
those two (:data:`PINNED`, drawn last, before the palette key) and lets the
other keys give way from the end of their list, so each screen orders its
``BINDINGS`` by importance. Every key stays on the help screen (``?``).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

__all__ = ["PINNED", "TriageFooter", "fit_keys"]

PINNED: tuple[str, ...] = ("app.quit", "app.help")
"""Binding ids the footer always shows."""

PALETTE_WIDTH = 14
"""Cells the command palette key takes at the right end."""


def fit_keys(widths: list[int], pinned: list[bool], room: int) -> list[int]:
    """Indexes of the keys to show in ``room`` cells: every pinned key, then the others in order
    while they fit (the last ones give way first)."""
    used = sum(w for w, p in zip(widths, pinned) if p)
    out = []
    for i, (w, p) in enumerate(zip(widths, pinned)):
        if p:
            out.append(i)
        elif used + w <= room:
            used += w
            out.append(i)
        else:
            room = used  # once one key gives way, so do the ones after it (the order stays readable)
    return out


class TriageFooter(Footer):
    """A footer that keeps Quit and Help at any width (see the module doc)."""

    def on_resize(self) -> None:
        if self._bindings_ready and self.size.width != getattr(self, "_fitted_width", None):
            self.call_later(self.recompose)

    def _entries(self) -> list[list[tuple]]:
        """The footer's entries in order (one list of ``(binding, enabled, tooltip)`` per action),
        the pinned ones last."""
        action_to_bindings: defaultdict[str, list[tuple]] = defaultdict(list)
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show:
                action_to_bindings[binding.action].append((binding, enabled, tooltip))
        entries = list(action_to_bindings.values())
        return ([e for e in entries if e[0][0].id not in PINNED]
                + [e for e in entries if e[0][0].id in PINNED])

    def _width(self, entry: list[tuple]) -> int:
        binding = entry[0][0]
        key = self.app.get_key_display(binding)
        if binding.group is not None:
            return len(key) + 1
        return len(key) + 2 + len(binding.description) + 1

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        entries = self._entries()
        widths = [self._width(e) for e in entries]
        for _group, members in groupby(range(len(entries)), lambda i: entries[i][0][0].group):
            members = list(members)
            group = entries[members[0]][0][0].group
            if group is not None and len(members) > 1:
                widths[members[-1]] += len(group.description) + 3  # the group's label and margins
        room = (self.size.width or self.app.size.width) - (PALETTE_WIDTH if self.show_command_palette else 0)
        self._fitted_width = self.size.width
        keep = set(fit_keys(widths, [e[0][0].id in PINNED for e in entries], room))
        shown = [e for i, e in enumerate(entries) if i in keep]
        self.styles.grid_size_columns = len(shown)
        for group, grouped in groupby(shown, lambda e: e[0][0].group):
            grouped = list(grouped)
            if group is not None and len(grouped) > 1:
                with KeyGroup(classes="-compact" if group.compact else ""):
                    for entry in grouped:
                        binding, enabled, tooltip = entry[0]
                        yield FooterKey(binding.key, self.app.get_key_display(binding), "", binding.action,
                                        disabled=not enabled, tooltip=tooltip or binding.description,
                                        classes="-grouped").data_bind(compact=Footer.compact)
                yield FooterLabel(group.description)
            else:
                for entry in grouped:
                    binding, enabled, tooltip = entry[0]
                    yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                                    binding.action, disabled=not enabled,
                                    tooltip=tooltip).data_bind(compact=Footer.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            try:
                _node, binding, enabled, tooltip = self.screen.active_bindings[self.app.COMMAND_PALETTE_BINDING]
            except KeyError:
                pass
            else:
                yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                                binding.action, classes="-command-palette", disabled=not enabled,
                                tooltip=binding.tooltip or binding.description)
