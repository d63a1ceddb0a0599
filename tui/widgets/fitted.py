"""Provides :class:`FittedStatic`: text given in several forms, drawn in the longest that fits.

A title bar holds more than a narrow terminal has room for. Rather than wrap
onto another line (and push everything below down), it is given its forms,
fullest first, and draws, each time it is drawn, the first whose every line
fits its width (the last one when none does).
"""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.widgets import Static


class FittedStatic(Static):
    """A Static whose :meth:`show` takes every form of its text, fullest first."""

    def __init__(self, text: Text, **kwargs) -> None:
        super().__init__(text, markup=False, **kwargs)
        self.forms: tuple[Text, ...] = ()

    def show(self, forms: Sequence[Text]) -> None:
        """Draw the fullest of ``forms`` that fits, from now on."""
        self.forms = tuple(forms)
        self.refresh(layout=True)

    def render(self):
        if not self.forms:
            return super().render()
        room = self.content_region.width
        return next((t for t in self.forms if max(line.cell_len for line in t.split()) <= room), self.forms[-1])
