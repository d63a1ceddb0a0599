"""Provides the one exception type the CLI turns into a one-line error."""


class TriageError(Exception):
    """A user-facing failure: bad input, a missing repository, a locked database.

    The message is a single line that says what went wrong and, where it can,
    what to do about it. The CLI prints it and exits non-zero.
    """
