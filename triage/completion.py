"""Provides shell completion for ``triage``, generated from its argument parser.

``triage completion bash|zsh|fish`` prints a script. Every subcommand, option
and fixed choice comes from :func:`triage.cli.build_parser`, so completion
cannot drift from the command line. Bash and zsh scripts are written by shtab;
fish (which shtab does not cover) by :func:`fish_script`. Options whose value
is a path (metavar ``PATH``, ``FILE`` or ``D``) complete file names (``D``:
directories).
"""

from __future__ import annotations

import argparse
import shlex

__all__ = ["SHELLS", "completion_script", "fish_script"]

SHELLS: tuple[str, ...] = ("bash", "zsh", "fish")
"""The shells ``triage completion`` writes a script for."""

FILE_METAVARS = frozenset({"PATH", "FILE"})
DIR_METAVARS = frozenset({"D", "DIR"})


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help(parser: argparse.ArgumentParser, name: str) -> str:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.dest == name:
                    return choice.help or ""
    return ""


def _mark_paths(parser: argparse.ArgumentParser) -> None:
    """Tell shtab which options take a file or a directory (by their metavar)."""
    import shtab

    for sub in (parser, *_subparsers(parser).values()):
        for action in sub._actions:
            if action.metavar in FILE_METAVARS:
                action.complete = shtab.FILE  # type: ignore[attr-defined]
            elif action.metavar in DIR_METAVARS:
                action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]


def _quote(text: str) -> str:
    return shlex.quote(" ".join(text.split()).replace("%", "%%")[:80])


def fish_script(parser: argparse.ArgumentParser) -> str:
    """A fish completion script for ``parser`` (subcommands, their options, choices and paths)."""
    prog = parser.prog
    subs = _subparsers(parser)
    names = " ".join(subs)
    lines = [f"# fish completion for {prog}, generated from its argument parser (`{prog} completion fish`)",
             f"complete -c {prog} -f"]
    for action in parser._actions:
        if action.option_strings and not isinstance(action, argparse._SubParsersAction):
            lines.append(_fish_option(prog, f"not __fish_seen_subcommand_from {names}", action))
    for name, sub in subs.items():
        lines.append(f"complete -c {prog} -n 'not __fish_seen_subcommand_from {names}' -a {name} "
                     f"-d {_quote(_help(parser, name))}")
        for action in sub._actions:
            if action.option_strings:
                lines.append(_fish_option(prog, f"__fish_seen_subcommand_from {name}", action))
            elif action.choices:
                lines.append(f"complete -c {prog} -n '__fish_seen_subcommand_from {name}' "
                             f"-a {shlex.quote(' '.join(map(str, action.choices)))} -d {_quote(action.help or '')}")
    return "\n".join(lines) + "\n"


def _fish_option(prog: str, condition: str, action: argparse.Action) -> str:
    parts = [f"complete -c {prog} -n {shlex.quote(condition)}"]
    for opt in action.option_strings:
        parts.append(f"-l {opt[2:]}" if opt.startswith("--") else f"-s {opt[1:]}")
    if action.nargs != 0:
        if action.choices:
            parts.append(f"-x -a {shlex.quote(' '.join(map(str, action.choices)))}")
        elif action.metavar in FILE_METAVARS or action.metavar in DIR_METAVARS:
            parts.append("-r -F")
        else:
            parts.append("-x")
    if action.help and action.help is not argparse.SUPPRESS:
        parts.append(f"-d {_quote(action.help)}")
    return " ".join(parts)


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for ``shell`` (one of :data:`SHELLS`)."""
    if shell == "fish":
        return fish_script(parser)
    if shell not in SHELLS:
        raise ValueError(f"no completion for {shell!r}: use one of {', '.join(SHELLS)}")
    import shtab

    _mark_paths(parser)
    return shtab.complete(parser, shell=shell)
