"""Provides the files that get only the cheap checks: lockfiles, snapshots, minified code, SVG, huge files.

Such a file is written by a tool, not by a person, or is too big to read; the
lexer and the parser would spend most of an ingest on it (an SVG snapshot of a
terminal is hundreds of kilobytes of markup, a lockfile thousands of lines) and
the token and syntax rules have nothing to say about it. :func:`classify` names
why a file is one; the driver then runs only the rules marked ``cheap`` (line
and code-point scans: secrets, hidden Unicode), and the pipeline leaves a note on
the file, so the reviewer sees that the rest did not run.

The change under review chooses its own file names, so a name alone never makes
code "generated": a ``.min.js`` or ``.min.css`` counts only when its text is
minified too (most of it on very long lines), and no Python or other source file
is skipped for its name or for a marker comment in it. Lockfiles, snapshots and
SVG are data by their format.
"""

from __future__ import annotations

LOCKFILES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "poetry.lock",
    "uv.lock", "pdm.lock", "Pipfile.lock", "Cargo.lock", "Gemfile.lock", "composer.lock", "go.sum",
    "flake.lock", "mix.lock", "pubspec.lock", "Podfile.lock", "packages.lock.json", "gradle.lockfile",
})
SNAPSHOT_SUFFIXES = (".snap", ".ambr")
HUGE_CHARS = 2_000_000
"""A text file larger than this gets only the cheap checks, whatever it is."""
MINIFIED_LINE = 1_000
MINIFIED_SHARE = 0.5
"""Text is minified when at least this share of it is on lines longer than ``MINIFIED_LINE``."""


def classify(path: str, text: str) -> str:
    """Why ``path`` gets only the cheap checks ("lockfile", "snapshot", "minified", "SVG",
    "huge file"), or "" when every rule reads it."""
    p = path.replace("\\", "/")
    base = p.rsplit("/", 1)[-1]
    if len(text) > HUGE_CHARS:
        return "huge file"
    if base in LOCKFILES:
        return "lockfile"
    low = base.lower()
    if low.endswith(".svg"):
        return "SVG"
    if low.endswith(SNAPSHOT_SUFFIXES) or ("/__snapshots__/" in f"/{p}" and not low.endswith((".py", ".pyi"))):
        return "snapshot"
    if len(text) >= MINIFIED_LINE and _minified(text):
        return "minified"
    return ""


def _minified(text: str) -> bool:
    if "\n" not in text[:MINIFIED_LINE]:
        return True  # the first thousand characters are one line
    long = sum(len(line) for line in text.split("\n") if len(line) > MINIFIED_LINE)
    return long >= MINIFIED_SHARE * len(text)


def note(kind: str) -> str:
    """The note the reviewer sees on such a file."""
    return f"{kind}: only the cheap checks ran (secrets, hidden Unicode), not the code rules"
