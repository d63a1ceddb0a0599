"""Provides the argv part of ``shell-injection``: processes started without a shell whose
command line comes from the request, or that start a shell with a built command.

``subprocess.run/call/check_call/check_output/Popen``, ``os.exec*``, ``os.spawn*``,
``os.posix_spawn(p)``, ``pty.spawn``, ``asyncio.create_subprocess_exec`` (also as
``asyncio.subprocess.…``) and an event loop's ``subprocess_exec`` are reported when

* request data reaches the program or any argument (through :mod:`triage.rules.dataflow`:
  ``["convert", request.args["f"]]``, a list built with ``append``, a helper's return
  value); an argument ``shlex.quote`` cleaned, or a number, is not; or
* the program is a shell run with ``-c`` (``["sh", "-c", cmd]``, ``os.execl("/bin/sh",
  "sh", "-c", cmd)``) and the command string is not a constant.

A program or arguments of unknown origin alone are not reported (``[sys.executable,
"-m", "pip"]`` and ``["git", "log", ref]`` are everyday code).
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from triage.rules.dataflow import flow_of
from triage.rules.fileinfo import FileInfo, truncate

_SUBPROCESS = {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
               "subprocess.Popen", "asyncio.create_subprocess_exec", "pty.spawn", "os.posix_spawn",
               "os.posix_spawnp", "trio.run_process", "anyio.run_process", "anyio.open_process"}
_EXEC = re.compile(r"^os\.(?:exec[lv]p?e?|spawn[lv]p?e?)$")
_SHELLS = re.compile(r"(?:^|/)(?:ba|z|da|k|c|tc|fi)?sh(?:\.exe)?$|(?:^|[\\/])(?:cmd|powershell|pwsh)(?:\.exe)?$", re.I)
ARGV_HINT = re.compile(r"subprocess|\bexec[lv]|\bspawn|create_subprocess|posix_spawn|run_process|open_process")
"""Every argv finding calls one of these (``subprocess.*`` through an alias still names it in the import)."""


def _src(node: ast.AST) -> str:
    try:
        return truncate(ast.unparse(node), 50)
    except Exception:  # noqa: BLE001
        return "…"


def _argv(call: ast.Call, name: str) -> list[ast.AST]:
    """The program and its arguments as expressions (a literal list is opened)."""
    args = list(call.args)
    if _EXEC.match(name):
        if name.startswith("os.spawn"):
            args = args[1:]  # the mode
        if re.search(r"[lv]p?e$", name) and args:
            args = args[:-1]  # the environment
        if "v" in name.rsplit(".", 1)[-1][4:] and len(args) >= 2:
            rest = args[1]
            return [args[0]] + (list(rest.elts) if isinstance(rest, (ast.List, ast.Tuple)) else [rest])
        return args
    if name in ("os.posix_spawn", "os.posix_spawnp") and len(args) >= 2:
        rest = args[1]
        return [args[0]] + (list(rest.elts) if isinstance(rest, (ast.List, ast.Tuple)) else [rest])
    first = next((k.value for k in call.keywords if k.arg == "args"), args[0] if args else None)
    if first is None:
        return []
    if name == "loop.subprocess_exec":
        return args[1:]
    if name == "asyncio.create_subprocess_exec" or name in ("anyio.open_process", "trio.run_process"):
        return args
    if isinstance(first, (ast.List, ast.Tuple)):
        return list(first.elts)
    return [first]


def _shell_command(argv: list[ast.AST]) -> ast.AST | None:
    """For ``[shell, ..., "-c", cmd]``: the ``cmd`` expression."""
    if len(argv) < 3:
        return None
    prog = argv[0]
    if not (isinstance(prog, ast.Constant) and isinstance(prog.value, str) and _SHELLS.search(prog.value)):
        return None
    for k, a in enumerate(argv[1:-1], 1):
        if isinstance(a, ast.Constant) and a.value in ("-c", "/c", "/C", "-Command", "-lc", "-ic"):
            return argv[k + 1]
    return None


def python_argv(fi: FileInfo) -> Iterator[tuple[int, str]]:
    """``(line, message)`` for the argv findings of a Python file."""
    flow = flow_of(fi)
    if flow is None:
        return
    for call, name in flow.calls(lines=fi.added):
        name = name.replace("asyncio.subprocess.", "asyncio.", 1)
        if name.endswith(".subprocess_exec") and isinstance(call.func, ast.Attribute):
            name = "loop.subprocess_exec"  # an event loop's (protocol_factory, program, *args)
        elif name not in _SUBPROCESS and not _EXEC.match(name):
            continue
        if any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and not k.value.value) for k in call.keywords):
            continue  # shell=True: the shell rule's own finding
        argv = _argv(call, name)
        hit = next((a for a in argv if flow.tainted(a, "shell")), None)
        if hit is not None:
            yield call.lineno, f"request data reaches the command line of {name}(): {_src(hit)}"
            continue
        cmd = _shell_command(argv)
        if cmd is not None and not flow.safe(cmd, "shell"):
            yield call.lineno, f"{name}() runs a shell with a command built at run time: {_src(cmd)}"


def js_argv(fi: FileInfo) -> Iterator[tuple[int, str]]:
    """``(line, message)``: ``spawn``/``execFile``/``fork`` whose program or arguments carry request data."""
    from triage.rules.web import js_calls_carrying

    seen: set[int] = set()
    for index in (0, 1):
        for i, name in js_calls_carrying(fi, lambda n: n.rsplit(".", 1)[-1] in _JS_SPAWNS, index):
            if i not in seen:
                seen.add(i)
                yield fi.stream.toks[i].line, f"check: request data may reach the command line of {name}()"


_JS_SPAWNS = {"spawn", "spawnSync", "execFile", "execFileSync", "fork"}
