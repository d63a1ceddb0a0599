"""The progress bar of long ingests and syncs: shown after a second, on a terminal only, as plain text."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from rich.console import Console

from tui.progress import ProgressBar


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=200, color_system=None), out


def test_nothing_is_drawn_in_the_first_second_then_the_count_rate_and_time_left():
    clock = Clock()
    console, out = terminal()
    bar = ProgressBar("ingesting", "commits", enabled=True, console=console, clock=clock)
    bar.update(0, 400)
    clock.now += 0.5
    bar.update(50, 400)
    assert out.getvalue() == "" and not bar.shown  # a short run shows nothing
    clock.now += 0.5
    bar.update(100, 400)  # 100 commits in 1 s: 100/s, 300 left, 3 s
    text = out.getvalue()
    assert "100/400 commits" in text and "100 commits/s" in text and "0:03 left" in text
    clock.now += 1.0
    bar.update(300, 400)
    assert "150 commits/s" in out.getvalue() and "0:01 left" in out.getvalue()
    bar.close()
    assert not bar.shown


def test_the_rate_leaves_out_what_an_earlier_run_already_stored():
    clock = Clock()
    console, out = terminal()
    bar = ProgressBar("ingesting", "commits", enabled=True, console=console, clock=clock)
    bar.update(900, 1000)  # resumed: 900 already stored
    clock.now += 2.0
    bar.update(950, 1000)
    assert bar.rate() == 25.0 and bar.time_left() == 2.0
    assert "25 commits/s" in out.getvalue()


def test_disabled_draws_nothing_however_long_it_runs():
    clock = Clock()
    console, out = terminal()
    bar = ProgressBar("syncing", "changes", enabled=False, console=console, clock=clock)
    for k in range(10):
        clock.now += 1
        bar.update(k)
    bar.close()
    assert out.getvalue() == "" and not bar.shown


def test_untrusted_names_are_shown_as_plain_text_on_one_line():
    clock = Clock()
    console, out = terminal()
    bar = ProgressBar("syncing [bold]evil[/bold]\x1b]52;c;ZXZpbA==\x07", "changes", enabled=True, console=console,
                      clock=clock)
    clock.now += 2
    bar.update(1, note="o/r#1 [link=x]t[/link]\nnext")
    text = out.getvalue()
    assert "[bold]evil[/bold]" in text and "[link=x]t[/link]" in text  # markup not interpreted
    assert "\x1b]52" not in text and "\x07" not in text  # no terminal escape from the name
    assert "\nnext" not in text  # one line


def test_the_cli_draws_no_bar_when_stderr_is_not_a_terminal(tmp_path):
    from triage.bench.synth import build

    info = build(tmp_path, n=30, seed=2, pack=False, light=True)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d"),
           "XDG_CONFIG_HOME": str(tmp_path / "c"), "TRIAGE_SAMPLING_SECRET": "test-sampling-secret"}
    piped = subprocess.run([sys.executable, "-m", "triage", "ingest", "--repo", str(info.path), "--db",
                            str(tmp_path / "a.db"), "--all"], capture_output=True, env=env)
    assert piped.returncode == 0 and b"commits/s" not in piped.stderr and b"\x1b" not in piped.stderr
