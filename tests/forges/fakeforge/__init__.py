"""Fake GitHub, Gitea and GitLab servers on 127.0.0.1 for the forge tests (no network)."""

from .core import Fault, FakeForge, Recorded, Reply
from .gitea import FakeGitea
from .github import FakeGitHub
from .gitlab import FakeGitLab
from .repo import FakePR, FakeRepo, iso

__all__ = ["Fault", "FakeForge", "FakeGitHub", "FakeGitLab", "FakeGitea", "FakePR", "FakeRepo", "Recorded", "Reply",
           "iso"]
