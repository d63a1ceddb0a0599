"""A git-only team: two clones exchange verdicts through the remote's ``refs/notes/triage``.

Real repositories (pygit2): a bare "remote" in tmp and two clones under different directory names,
each reviewer with a database of their own. What ana pushes with ``push --git``, bo's ``sync --git``
imports, under the roster member the record names; two reviewers who push at once both keep their
records; a rewritten notes ref is reported; an author's verdict on their own change is refused.
"""

from __future__ import annotations

import json
import os

import pygit2
import pytest

from gitrepo import RepoBuilder
from triage.cli import main
from triage.git import change_id, open_repo, repo_key
from triage.gitshare import notes
from triage.ingest import ingest
from triage.queue import load_queue
from triage.services.verdicts import record
from triage.store import Store

SECRET = b"shared-team-secret-0123456789"
CONFIG = """
[team]
members = [{name = "ana", emails = ["ana@team.test"]}, {name = "bo", emails = ["bo@team.test"]}]
[sampling]
secret = "shared-team-secret-0123456789"
"""
AI = "\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"


@pytest.fixture(autouse=True)
def _team_config(tmp_path, monkeypatch, isolated_git_config):
    cfg_dir = tmp_path / "xdg"
    (cfg_dir / "triage").mkdir(parents=True)
    (cfg_dir / "triage" / "config.toml").write_text(CONFIG)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cfg_dir))


def _upstream(tmp_path) -> str:
    work = RepoBuilder(tmp_path / "seed")
    work.commit({"app/pay.py": "import os\nos.system(input())\n"}, "pay" + AI, name="Dev", email="dev@else.test")
    work.commit({"app/util.py": "def f(x):\n    return x\n"}, "util" + AI, name="Dev", email="dev@else.test")
    work.commit({"app/ana.py": "def g(x):\n    return x + 1\n"}, "ana's" + AI, name="Ana", email="ana@team.test")
    bare = tmp_path / "remote" / "shop.git"
    pygit2.clone_repository(str(work.path), str(bare), bare=True)
    return str(bare)


class Reviewer:
    """One person: a clone under a directory name of their own, a database, the CLI."""

    def __init__(self, tmp_path, url: str, name: str, clone_name: str):
        self.name, self.clone = name, tmp_path / "clones" / clone_name
        pygit2.clone_repository(url, str(self.clone))
        self.db = tmp_path / f"{name}.db"
        with Store(self.db) as store:
            ingest(store, self.clone, secret=SECRET, workers=1)
        self.key = repo_key(open_repo(self.clone))

    def run(self, *argv: str, capsys) -> tuple[int, str, str]:
        before = os.environ.get("TRIAGE_REVIEWER")
        os.environ["TRIAGE_REVIEWER"] = self.name
        try:
            code = main([*argv, "--db", str(self.db)], open_tui=None)
        finally:
            os.environ.pop("TRIAGE_REVIEWER")
            if before is not None:
                os.environ["TRIAGE_REVIEWER"] = before
        out = capsys.readouterr()
        return code, out.out, out.err

    def sha(self, title: str) -> str:
        with Store(self.db) as store:
            return next(r["sha"] for r in store.query("SELECT sha, title FROM changes") if r["title"] == title)

    def verdict(self, title: str, verdict: str, note: str = "") -> str:
        with Store(self.db) as store:
            return record(store, change_id(self.key, self.sha(title)), verdict, note=note, reviewer=self.name)

    def push(self, capsys) -> str:
        code, out, err = self.run("push", "--git", "--repo", str(self.clone), capsys=capsys)
        assert code == 0, err
        return out

    def sync(self, capsys) -> tuple[str, str]:
        code, out, err = self.run("sync", "--git", "--repo", str(self.clone), capsys=capsys)
        assert code == 0, err
        return out, err

    def given(self, title: str) -> list[dict]:
        with Store(self.db) as store:
            item = next(i for i in load_queue(store, include_all=True) if i.title.startswith(title))
            return item.given


@pytest.fixture
def team(tmp_path):
    url = _upstream(tmp_path)
    return url, Reviewer(tmp_path, url, "ana", "shop"), Reviewer(tmp_path, url, "bo", "shop-bo")


def test_two_clones_exchange_verdicts_through_the_remotes_notes(team, capsys):
    url, ana, bo = team
    assert ana.key == bo.key  # the same ids in both clones, whatever their directory names
    vid = ana.verdict("pay", "needs-fix", "shells out to user input")
    assert "pushed to origin" in ana.push(capsys)
    remote_notes = notes.read_notes(pygit2.Repository(url))
    assert vid in remote_notes[ana.sha("pay")]

    out, _ = bo.sync(capsys)
    assert f"imported needs-fix by ana on git:{bo.key}:{bo.sha('pay')}" in out
    assert bo.given("pay") == [{"reviewer": "ana", "verdict": "needs-fix", "posted_by": "git:origin"}]
    code, shown, _ = bo.run("show", bo.sha("pay")[:10], capsys=capsys)
    assert code == 0 and "needs-fix by ana (via git:origin)" in shown and "shells out to user input" in shown
    code, queue, _ = bo.run("queue", "--json", "--all", capsys=capsys)
    row = next(r for r in json.loads(queue) if r["sha"] == bo.sha("pay"))
    assert row["verdict"] == "needs-fix" and row["verdicts_by"][0]["reviewer"] == "ana"

    again, _ = bo.sync(capsys)  # idempotent: nothing imported twice
    assert "imported" not in again.split("synced")[0]
    with Store(bo.db) as store:
        assert len(store.query("SELECT id FROM verdicts")) == 1


def test_two_reviewers_who_push_at_once_lose_nothing(team, capsys, monkeypatch):
    url, ana, bo = team
    a = ana.verdict("pay", "needs-fix")
    b = bo.verdict("pay", "approve")  # same commit: both notes change the same note blob
    c = bo.verdict("util", "approve")
    real_fetch = notes.fetch
    raced = []

    def fetch_then_ana_pushes(repo, remote):
        """bo fetches; before bo's push arrives, ana's does (both were writing at once)."""
        got = real_fetch(repo, remote)
        if not raced:
            raced.append(True)
            ana.push(capsys)
        return got

    monkeypatch.setattr(notes, "fetch", fetch_then_ana_pushes)
    out = bo.push(capsys)  # refused first (the remote moved), then fetched, merged, pushed
    assert raced and "after 2 tries" in out
    monkeypatch.setattr(notes, "fetch", real_fetch)
    on_remote = "".join(notes.read_notes(pygit2.Repository(url)).values())
    assert all(v in on_remote for v in (a, b, c))
    ana.sync(capsys)
    out, _ = bo.sync(capsys)
    assert "imported needs-fix by ana" in out
    for person in (ana, bo):  # both see both, and the disagreement as a conflict
        given = {(g["reviewer"], g["verdict"]) for g in person.given("pay")}
        assert given == {("ana", "needs-fix"), ("bo", "approve")}
    code, queue, _ = ana.run("queue", "--json", "--all", "--state", "conflict", capsys=capsys)
    assert [r["sha"] for r in json.loads(queue)] == [ana.sha("pay")]


def test_the_merge_keeps_both_sides_lines_in_git_notes_format(team, capsys):
    """The merged note is what ``git notes merge -s cat_sort_uniq`` would give: both lines, sorted."""
    url, ana, bo = team
    ana.verdict("util", "approve")
    bo.verdict("util", "needs-fix")
    ana.push(capsys)
    bo.push(capsys)
    repo = pygit2.Repository(url)
    text = repo.lookup_note(ana.sha("util"), notes.NOTES_REF).message  # libgit2's own notes reader
    lines = text.splitlines()
    assert len(lines) == 2 and lines == sorted(lines)
    assert {json.loads(line)["reviewer"] for line in lines} == {"ana", "bo"}


def test_a_rewritten_notes_ref_is_reported_and_restored(team, capsys):
    url, ana, bo = team
    vid = ana.verdict("pay", "needs-fix")
    ana.push(capsys)
    bo.sync(capsys)
    # Someone with push access rewrites the remote's notes: the record is dropped, history replaced.
    remote = pygit2.Repository(url)
    sig = pygit2.Signature("mallory", "m@x.test", 1_900_000_000, 0)
    empty = remote.TreeBuilder().write()
    remote.references.create(notes.NOTES_REF, remote.create_commit(None, sig, sig, "clean", empty, []), force=True)

    out, err = bo.sync(capsys)
    assert "no longer holds needs-fix by ana" in err and vid[:12] in err
    _, err_again = bo.sync(capsys)
    assert "no longer holds needs-fix by ana" in err_again  # reported until the remote holds it again
    bo.push(capsys)  # bo's merge kept it: the push puts it back
    assert vid in "".join(notes.read_notes(pygit2.Repository(url)).values())
    _, err_after = bo.sync(capsys)
    assert "no longer holds" not in err_after


def test_an_edited_record_is_reported_and_does_not_change_the_verdict(team, capsys):
    url, ana, bo = team
    ana.verdict("pay", "needs-fix")
    ana.push(capsys)
    bo.sync(capsys)
    remote = pygit2.Repository(url)
    sha = ana.sha("pay")
    text = remote.lookup_note(sha, notes.NOTES_REF).message.replace('"needs-fix"', '"approve"')
    sig = pygit2.Signature("mallory", "m@x.test", 1_900_000_000, 0)
    remote.create_note(text, sig, sig, sha, notes.NOTES_REF, True)

    _, err = bo.sync(capsys)
    assert "no longer holds needs-fix by ana" in err
    assert bo.given("pay") == [{"reviewer": "ana", "verdict": "needs-fix", "posted_by": "git:origin"}]


def test_the_authors_own_verdict_is_refused(team, capsys):
    url, ana, bo = team
    ana.verdict("ana's", "approve")  # ana wrote this commit
    ana.push(capsys)
    out, err = bo.sync(capsys)
    assert "ana's approve was not imported: ana is an author of this change" in err
    assert bo.given("ana's") == []


def test_a_record_naming_no_team_member_is_refused(team, capsys):
    url, ana, bo = team
    with Store(ana.db) as store:
        record(store, change_id(ana.key, ana.sha("util")), "approve", reviewer="mallory")
    ana.push(capsys)
    _, err = bo.sync(capsys)
    assert "mallory's approve was not imported: that is no [team] member's name" in err
    assert bo.given("util") == []


def test_escapes_travel_too(team, capsys):
    url, ana, bo = team
    code, _, err = ana.run("escape", ana.sha("pay")[:10], "--note", "broke checkout", capsys=capsys)
    assert code == 0, err
    ana.push(capsys)
    out, _ = bo.sync(capsys)
    assert "1 escape(s)" in out
    with Store(bo.db) as store:
        assert [e["note"] for e in store.escapes_for()] == ["broke checkout"]
    bo.push(capsys)  # bo writes the same line back: the remote note does not grow
    assert len(notes.read_notes(pygit2.Repository(url))[ana.sha("pay")].splitlines()) == 1


def test_sync_needs_git_or_a_forge(team, capsys):
    url, ana, bo = team
    code, _, err = ana.run("sync", capsys=capsys)
    assert code == 2 and "give --forge and --repo" in err
    code, _, err = ana.run("sync", "--git", "--forge", "github", "--repo", "x/y", capsys=capsys)
    assert code == 2 and "not both" in err


def test_a_hostile_record_is_shown_inert_and_not_credited(team, capsys):
    """A line written straight into the remote's notes, naming a reviewer with terminal escapes and a
    bidi override: refused (no such member), and the message shows the characters instead of obeying them."""
    url, ana, bo = team
    sha = ana.sha("util")
    line = json.dumps({"v": 1, "kind": "verdict", "id": "f" * 32, "verdict": "approve", "sha": sha, "at": 1.0,
                       "reviewer": "ana\x1b[2J\u202e", "note": "\x1b]8;;http://evil\x07x"}, sort_keys=True)
    remote = pygit2.Repository(url)
    sig = pygit2.Signature("mallory", "m@x.test", 1_900_000_000, 0)
    remote.create_note(line + "\n", sig, sig, sha, notes.NOTES_REF, True)
    code, out, err = bo.run("sync", "--git", "--repo", str(bo.clone), "--json", capsys=capsys)
    assert code == 0 and "\x1b" not in err and "\u202e" not in err and "was not imported" in err
    summary = json.loads(out)
    assert summary["imported"] == [] and summary["merge"] == "fast-forward"
    assert bo.given("util") == []
