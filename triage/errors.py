"""Provides the one exception type the CLI turns into a one-line error."""


class TriageError(Exception):
    """A user-facing failure: bad input, a missing repository, a locked database.

    The message is a single line that says what went wrong and, where it can,
    what to do about it. The CLI prints it and exits non-zero.
    """


def describe_os_error(exc: OSError) -> str:
    """A short reason for an OS failure, saying plainly when the disk is full."""
    import errno

    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == getattr(errno, "EDQUOT", None):
        return "the disk quota is exceeded (the disk is full for this user)"
    return exc.strerror or str(exc)
