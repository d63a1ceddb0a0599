"""``--since`` values."""

import pytest

from triage.errors import TriageError
from triage.timeparse import parse_since

NOW = 1_764_000_000.0  # 2025-11-24T16:00:00Z


def test_relative_and_named_times():
    assert parse_since("3 days ago", NOW) == NOW - 3 * 86400
    assert parse_since("2w", NOW) == NOW - 14 * 86400
    assert parse_since("90 minutes ago", NOW) == NOW - 90 * 60
    assert parse_since("yesterday", NOW) == parse_since("today", NOW) - 86400
    assert parse_since("2025-11-24", NOW) == 1_763_942_400.0


def test_nonsense_is_a_one_line_error():
    with pytest.raises(TriageError, match="cannot read the time 'soonish'"):
        parse_since("soonish", NOW)
