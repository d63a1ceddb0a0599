"""Fixtures for the forge tests (defined in forge_env, so tests can import its helpers by a unique name)."""

from forge_env import *  # noqa: F401,F403
