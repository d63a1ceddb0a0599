"""Provides the review timer: how long a reviewer has looked at a change."""

from __future__ import annotations

import time
from typing import Callable


class ReviewTimer:
    """Time spent on a change, on a monotonic clock (immune to wall-clock jumps)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.started = clock()

    def seconds(self) -> float:
        """Seconds since the timer started."""
        return max(0.0, self._clock() - self.started)
