"""The hostile corpus through every command line surface: nothing crashes, runs, or hides.

The corpus (``tests/hostile``) holds the reference's scenarios 1-30 as real
commits in a repository whose configuration and hooks are armed to leave a
marker file if anything ever runs them. Each surface (``ingest``, ``queue``,
``show``, ``gate``, ``digest`` when it exists) runs as the real CLI in a
subprocess and again in-process with every way of starting a program patched
to fail. What reaches stdout must carry no raw ESC, C1, bidi or other hidden
character, and the visible stand-ins from :mod:`triage.sanitize` must be there.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

import triage.cli as cli
from helpers_reliability import run_cli
from hostile import assert_no_marker, build_broken_repos, build_hostile_repo
from hostile.fixtures import corpus, no_spawn  # noqa: F401 - fixtures
from triage.sanitize import char_class

# What the queue must show, made visible (each a scenario's title).
QUEUE_STAND_INS = (
    "^[]52;c;ZXZpbA==^G",                            # 1: OSC 52, BEL-terminated
    "\\x9b31m red \\x9d0;title\\x9c",                # 2: C1 controls
    "^[[2J^[[H",                                     # 3: clear screen + home
    "^[]0;owned^G^[]2;owned^[\\^[[21t^[[8mhidden",   # 4: titles, CSI 21 t, SGR 8
    "[link=https://evil.example/]setup.py[/link]",   # 5: markup stays literal
    "[@click=app.quit]click me[/]",                  # 6
    "fix [/] and [bold unbalanced [/x] tags",        # 7
    "ends with a backslash \\",                      # 8
    "safe␍EVIL overstrike ok^H^HNO",                 # 9: CR and BS
    "Harmless ⟨U+202E RLO⟩etirwer⟨U+202C PDF⟩",      # 11: bidi in a title
    "⟨U+200B ZWSP⟩",                                 # 12: zero-width
    "Latin-1 \\xe9",                                 # 26: a non-UTF-8 byte in a title
)


def assert_safe_text(data: bytes, where: str) -> str:
    """``data`` is UTF-8 with no character that could act on or hide from a terminal."""
    text = data.decode("utf-8")  # strict: undecodable bytes must have been escaped
    bad = sorted({f"U+{ord(c):04X}" for c in text if c != "\n" and char_class(c) is not None})
    assert not bad, f"{where}: raw hidden or control characters reached stdout: {bad}"
    return text


@pytest.fixture(autouse=True)
def _no_trap(corpus):
    yield
    assert_no_marker(corpus[0].marker)


def test_corpus_covers_scenarios_1_to_28_as_commits(corpus):
    repo, db = corpus
    p = run_cli("ingest", "--repo", str(repo.path), "--db", str(db), "--all")  # a second ingest: nothing new
    assert p.returncode == 0 and b": 0 analysed" in p.stdout
    assert_safe_text(p.stdout, "ingest")
    assert set(range(1, 29)) <= repo.numbers  # 29: the armed config; 30: build_broken_repos


def test_ingest_stores_every_commit_and_plain_ingest_finds_the_ai_ones(corpus, tmp_path):
    repo, db = corpus
    p = run_cli("queue", "--db", str(db), "--json", "--all")
    assert p.returncode == 0, p.stderr
    ids = {i["sha"] for i in json.loads(p.stdout)}
    assert {s.sha for s in repo.scenarios} <= ids
    ai = sum(1 for i in json.loads(p.stdout) if i["kind"] == "ai")
    assert ai == len(ids) - 1  # every commit but the human base carries an agent's trailer
    p = run_cli("ingest", "--repo", str(repo.path), "--db", str(tmp_path / "ai.db"))
    assert p.returncode == 0, p.stderr
    assert f": {ai} analysed".encode() in p.stdout, p.stdout


def test_queue_text_shows_every_stand_in_and_no_raw_control(corpus):
    _, db = corpus
    p = run_cli("queue", "--db", str(db), "--all")
    assert p.returncode == 0, p.stderr
    text = assert_safe_text(p.stdout, "queue")
    for s in QUEUE_STAND_INS:
        assert s in text, f"missing from the queue: {s!r}"


def test_queue_json_is_ascii_and_keeps_the_raw_titles(corpus):
    repo, db = corpus
    p = run_cli("queue", "--db", str(db), "--json", "--all")
    assert p.returncode == 0, p.stderr
    assert p.stdout.isascii(), "JSON output must escape every non-ASCII character"
    items = {i["sha"]: i for i in json.loads(p.stdout)}
    osc = items[repo.get("osc52").sha]
    assert "\x1b]52;c;ZXZpbA==\x07" in osc["title"]  # data stays data: JSON escapes it, consumers decide


# The real CLI in a subprocess for the most hostile scenarios (the bytes on a real stdout);
# every scenario goes through the same commands in-process below.
SUBPROCESS_SLUGS = ("osc52", "c1", "clear-screen", "title-sequences", "click-markup", "cr-bs", "trojan-source",
                    "odd-names", "encodings", "evil-merge")


def _check_show(s, text: str) -> None:
    for expected in s.show_must_contain:
        assert expected in text, f"show {s.slug}: {expected!r} not shown"


def test_show_text_and_json_in_a_subprocess(corpus):
    repo, db = corpus
    for s in map(repo.get, SUBPROCESS_SLUGS):
        p = run_cli("show", s.short, "--db", str(db))
        assert p.returncode == 0, (s.slug, p.stderr)
        _check_show(s, assert_safe_text(p.stdout, f"show {s.slug}"))
        p = run_cli("show", s.short, "--db", str(db), "--json")
        assert p.returncode == 0 and p.stdout.isascii(), (s.slug, p.stderr)
        d = json.loads(p.stdout)
        assert d["sha"] == s.sha and isinstance(d["findings"], list) and isinstance(d["files"], list)


def test_show_reveals_what_the_scenarios_hide(corpus, capsys):
    repo, db = corpus
    shown = {}
    for s in repo.scenarios:
        assert cli.main(["show", s.short, "--db", str(db), "--json"]) == 0
        shown[s.slug] = json.loads(capsys.readouterr().out)
    assert shown["merge"]["is_merge"] and shown["evil-merge"]["is_merge"]
    assert "s28/evil.py" in {f["path"] for f in shown["evil-merge"]["files"]}  # the evil merge's own change
    assert shown["empty"]["n_files"] == 0
    assert any("+x" in n for f in shown["mode-only"]["files"] for n in f["notes"])
    gitattributes = shown["gitattributes"]
    hidden = next(f for f in gitattributes["files"] if f["path"] == "s17/hidden.py")
    assert hidden["added"] == 2 and not hidden["binary"], "a -diff attribute must not hide the code"
    trojan = shown["trojan-source"]
    assert trojan["tier"] in ("HIGH", "CRITICAL") and trojan["n_findings"] > 0


def test_gate_in_a_subprocess_exits_0_1_or_2_with_safe_output(corpus):
    repo, db = corpus
    for s in map(repo.get, SUBPROCESS_SLUGS):
        p = run_cli("gate", "--repo", str(repo.path), "--rev", s.sha)
        assert p.returncode in (0, 1, 2), (s.slug, p.returncode, p.stderr[-500:])
        assert not p.stderr.strip() or p.stderr.decode().startswith("triage: error: "), (s.slug, p.stderr[-500:])
        assert_safe_text(p.stdout, f"gate {s.slug}")
        p = run_cli("gate", "--repo", str(repo.path), "--rev", s.sha, "--json")
        assert p.returncode in (0, 1, 2) and p.stdout.isascii(), s.slug
        assert json.loads(p.stdout)["sha"] == s.sha


def test_verdict_on_hostile_changes_records_and_prints_safely(corpus, tmp_path):
    repo, db = corpus
    copy = tmp_path / "v.db"
    copy.write_bytes(db.read_bytes())
    for slug in ("osc52", "trojan-source", "odd-names"):
        p = run_cli("verdict", repo.get(slug).short, "--needs-fix", "--note", "\x1b]52;c;bm90ZQ==\x07 [bold]n[/]",
                    "--db", str(copy))
        assert p.returncode == 0, p.stderr
        assert_safe_text(p.stdout, f"verdict {slug}")
        shown = assert_safe_text(run_cli("show", repo.get(slug).short, "--db", str(copy)).stdout, "show")
        assert "^[]52;c;bm90ZQ==^G [bold]n[/]" in shown


def _digest_available() -> str | None:
    p = run_cli("digest", "--help")
    return None if p.returncode == 0 else (p.stderr.decode().strip().splitlines() or ["no output"])[-1]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_digest_of_the_corpus_is_safe(corpus, fmt):
    missing = _digest_available()
    if missing:
        pytest.skip(f"`triage digest` is not available yet: {missing}")
    _, db = corpus
    p = run_cli("digest", "--db", str(db), "--format", fmt, "--since", "2000-01-01", "--all", "--no-record")
    assert p.returncode == 0, p.stderr
    text = assert_safe_text(p.stdout, f"digest {fmt}")
    assert "⟨U+202E RLO⟩" in text and "ZXZpbA==" in text and "^" in text  # defused, not dropped


# ------------------------------------------------------------- in-process


def test_in_process_every_scenario_through_every_command_spawns_nothing(corpus, tmp_path, no_spawn, capsys):
    repo, _ = corpus
    db = str(tmp_path / "inproc.db")
    assert cli.main(["ingest", "--repo", str(repo.path), "--db", db, "--all"]) == 0
    assert cli.main(["queue", "--db", db, "--all"]) == 0
    text = assert_safe_text(capsys.readouterr().out.encode(), "queue")
    assert all(s in text for s in QUEUE_STAND_INS)
    assert cli.main(["queue", "--db", db, "--all", "--json"]) == 0
    assert capsys.readouterr().out.isascii()
    for s in repo.scenarios:
        assert cli.main(["show", s.short, "--db", db]) == 0, s.slug
        out, err = capsys.readouterr()
        _check_show(s, assert_safe_text(out.encode(), f"show {s.slug}"))
        assert cli.main(["show", s.short, "--db", db, "--json"]) == 0, s.slug
        out, err = capsys.readouterr()
        assert out.isascii() and json.loads(out)["sha"] == s.sha
        for extra in ([], ["--json"]):
            code = cli.main(["gate", "--repo", str(repo.path), "--rev", s.sha, *extra])
            out, err = capsys.readouterr()
            assert code in (0, 1, 2), (s.slug, err)
            assert not err.strip() or err.startswith("triage: error: "), (s.slug, err)
            assert_safe_text(out.encode(), f"gate {s.slug}")
    assert no_spawn == [], f"tried to start programs: {no_spawn}"
    assert_no_marker(repo.marker)


def test_the_traps_are_armed(tmp_path):
    """Sanity: the corpus's config really runs its traps when git reads it (so 'no marker' means something)."""
    git = __import__("shutil").which("git")
    if not git:
        pytest.skip("git is not installed")
    marker = tmp_path / "armed"
    repo = build_hostile_repo(tmp_path / "repo", marker)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run([git, "-C", str(repo.path), "diff", repo.get("osc52").sha, repo.get("binary").sha],
                   capture_output=True, env=env, timeout=60)
    assert marker.exists(), "diff.external should have run under real git"


# ------------------------------------------------------------- scenario 30


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return build_broken_repos(tmp_path_factory.mktemp("broken"))


def test_missing_parent_gives_a_clear_one_line_error(broken, tmp_path):
    p = run_cli("ingest", "--repo", str(broken["missing-parent"]), "--db", str(tmp_path / "b.db"), "--all")
    assert p.returncode == 2
    lines = p.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("triage: error: ") and "missing-parent" in lines[0]


def test_gate_on_a_commit_whose_parent_is_missing_is_a_clear_error(broken):
    p = run_cli("gate", "--repo", str(broken["missing-parent"]), "--rev", "HEAD~1")
    lines = p.stderr.decode().strip().splitlines()
    assert p.returncode == 2 and len(lines) == 1 and lines[0].startswith("triage: error: "), p.stderr.decode()[-800:]


def test_corrupt_object_is_reported_not_silently_passed(broken, tmp_path):
    db = tmp_path / "c.db"
    p = run_cli("ingest", "--repo", str(broken["corrupt-object"]), "--db", str(db), "--all")
    if p.returncode != 0:  # refusing the repository with one clear line is fine too
        lines = p.stderr.decode().strip().splitlines()
        assert p.returncode == 2 and len(lines) == 1 and lines[0].startswith("triage: error: ")
        return
    q = json.loads(run_cli("queue", "--db", str(db), "--json", "--all").stdout)
    second = next(i for i in q if i["title"] == "second")
    d = json.loads(run_cli("show", second["sha"][:12], "--db", str(db), "--json").stdout)
    notes = [n for f in d["files"] for n in f["notes"]]
    assert any("could not" in n or "corrupt" in n or "missing" in n for n in notes), notes


@pytest.mark.parametrize("raw", [b"\x1b[2J", "\u202e".encode(), "\u009b".encode(), b"a\x00b", "\u200b".encode(),
                                 b"caf\xe9"])
def test_the_output_checker_catches_raw_controls(raw):
    """``assert_safe_text`` is not vacuous."""
    with pytest.raises((AssertionError, UnicodeDecodeError)):
        assert_safe_text(b"title " + raw, "self-test")
