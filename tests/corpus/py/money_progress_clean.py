class ProgressBar:
    """A bar that fills as work is done."""

    def __init__(self, total: float | None = None) -> None:
        self.total = total
        self.progress = 0.0

    def advance(self, advance: float = 1) -> None:
        """Advance the progress of the bar by the given amount."""
        self.progress += advance

    def _validate_total(self, total: float | None) -> float | None:
        return None if total is None else max(0, total)
