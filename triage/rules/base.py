"""Provides the rule interface: what a rule sees and what it returns.

A rule looks at one changed file's *whole post-image* (hunks start inside
strings and calls, so a hunk alone is not enough) plus read access to the
repository at the same commit, and yields :class:`~triage.models.Finding`
records. The driver in :mod:`triage.rules` keeps only the findings that touch
added lines, applies suppression comments and per-repo disables.

Three kinds of rule exist (``Rule.kind``):

* ``token``: works on the pygments token stream of the file (any language);
* ``ast``: works on Python's ``ast`` of the file;
* ``context``: reads other files at the same commit (manifests, test layout).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Iterator

from triage.models import Finding

if TYPE_CHECKING:
    from triage.treeindex import TreeFacts


@dataclass(slots=True)
class SourceFile:
    """One changed file, as a rule sees it.

    ``text`` is the whole post-image decoded as UTF-8 (undecodable bytes become
    U+FFFD); ``added_lines`` are 1-based line numbers in that text. ``path`` is
    the display path (str, may contain surrogate escapes).
    """

    path: str
    text: str
    added_lines: frozenset[int]
    old_text: str | None = None
    is_binary: bool = False
    inserted_lines: frozenset[int] = frozenset()
    """The added lines that replace no deleted line (new lines, not edited ones): a
    suppression comment above one was written for another line, so it does not cover it."""
    blob: str = ""
    """The post-image's git blob id, when known: the same id is the same bytes, so what the
    rules derive from the text alone (syntax tree, whole-file tokens) is shared by every
    file with that id (see :mod:`triage.rules.blobcache`)."""
    edited_in_place: bool = False
    """True when the change edits a file already at this path (git status ``M``), not one it
    adds, copies or renames here. Only such a file under a vendored tree counts as upstream's
    copy (:func:`~triage.rules.fileinfo.is_upstream_vendored`): a change cannot add or move its
    own code under ``vendor/`` to keep it from review."""
    generated: str = ""
    """Why the file gets only the cheap checks (a lockfile, a snapshot, minified code, an
    SVG, a huge file; see :mod:`triage.rules.generated`), or "" for a file every rule reads."""
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Per-file analysis cache (token stream, AST, ...) shared by the rules of one
    :func:`~triage.rules.analyze` call; filled by :mod:`triage.rules.fileinfo`."""

    def lines(self) -> list[str]:
        """The post-image split on ``\\n`` only (git's notion of a line)."""
        return self.text.split("\n")


@dataclass(slots=True)
class RepoContext:
    """Read access to the repository at the commit under analysis.

    ``read(path)`` returns a file's bytes at that commit, or ``None``.
    ``paths`` lists every path in the tree at that commit (may be empty when the
    source is a forge patch with no tree). ``changed_paths`` are the paths this
    change touches.

    ``workdir`` is the repository's working directory on disk, where the rules
    look for its installed environment (``.venv``, ``venv``, ``node_modules``;
    see :mod:`triage.rules.environment`), or "" when there is none (a forge
    patch, a bare repository). ``env_paths`` are further environments to read;
    only the reviewer's side sets them, never the repository's ``.triage.toml``.
    """

    read: Callable[[str], bytes | None] = lambda _path: None
    paths: tuple[str, ...] = ()
    changed_paths: tuple[str, ...] = ()
    config: Any = None
    """The :class:`~triage.settings.Config` the change is judged under (``None`` in a bare context)."""
    workdir: str = ""
    env_paths: tuple[str, ...] = ()

    def tree_facts(self) -> TreeFacts | None:
        """Facts about ``paths`` precomputed per git tree (see :mod:`triage.treeindex`), or
        ``None``: this context has none, and rules derive what they need from ``paths``."""
        return None


class Rule:
    """Base class for a rule. Subclasses set the class attributes and ``check``."""

    id: ClassVar[str] = ""
    severity: ClassVar[str] = "medium"
    kind: ClassVar[str] = "token"
    cwe: ClassVar[str] = ""
    question: ClassVar[str] = ""
    languages: ClassVar[tuple[str, ...]] = ()  # empty: any language
    per_change: ClassVar[bool] = False
    """True for rules that look at the change as a whole (``check_change``)."""
    whole_file: ClassVar[bool] = False
    """True for rules that read code far from the added lines (the whole module): they get
    the file itself, the others only its changed regions (see :mod:`triage.rules.regions`)."""
    cheap: ClassVar[bool] = False
    """True for rules that only scan lines or code points (no lexer, no parser): the only
    ones run on a generated or huge file (see :mod:`triage.rules.generated`)."""

    def check(self, file: SourceFile, ctx: RepoContext) -> Iterable[Finding]:
        """Yield findings for one file (any line; the driver filters)."""
        return ()

    def check_change(self, files: list[SourceFile], ctx: RepoContext) -> Iterable[Finding]:
        """Yield findings for the change as a whole (only when ``per_change``)."""
        return ()

    def finding(self, file: SourceFile | str, line: int, message: str, severity: str | None = None) -> Finding:
        """Build a finding of this rule."""
        path = file if isinstance(file, str) else file.path
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            path=path,
            line=line,
            message=message,
            question=self.question,
        )


REGISTRY: dict[str, type[Rule]] = {}
"""Rule id -> rule class, filled by :func:`register`."""


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator that adds a rule to :data:`REGISTRY`."""
    if not cls.id:
        raise ValueError(f"{cls.__name__} has no id")
    if cls.id in REGISTRY and REGISTRY[cls.id] is not cls:
        raise ValueError(f"duplicate rule id {cls.id!r}")
    REGISTRY[cls.id] = cls
    return cls


def iter_rules(disabled: Iterable[str] = ()) -> Iterator[Rule]:
    """Instances of every registered rule not in ``disabled``."""
    off = set(disabled)
    for rule_id, cls in sorted(REGISTRY.items()):
        if rule_id not in off:
            yield cls()
