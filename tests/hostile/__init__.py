"""The hostile-input corpus: a real repository built from the reference's test scenarios 1-30.

See :mod:`hostile.builder`. The tests that feed it through every surface are
``tests/test_hostile_*.py``.
"""

from hostile.builder import HostileRepo, Scenario, assert_no_marker, build_broken_repos, build_hostile_repo

__all__ = ["HostileRepo", "Scenario", "assert_no_marker", "build_broken_repos", "build_hostile_repo"]
