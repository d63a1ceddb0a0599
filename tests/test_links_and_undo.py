"""What a reviewer copies or opens is made safe first, and an undone verdict is superseded, not erased."""

from __future__ import annotations

import sqlite3

import pytest
from gitrepo import RepoBuilder

from triage.errors import TriageError
from triage.links import change_links, commit_web_url, osc52_enabled, safe_id, safe_sha, safe_web_url
from triage.store import Store

SHA = "65b321315f65e383cb26671fa7bc189375d45c49"


@pytest.mark.parametrize("url", [
    "https://github.com/acme/shop/pull/8",
    "https://gitlab.example.com/group/sub/project/-/merge_requests/3",
    "http://127.0.0.1:3000/o/r/pulls/1",
])
def test_plain_web_addresses_are_kept(url):
    assert safe_web_url(url) == url


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "file:///etc/passwd", "https://user:pw@github.com/o/r", "https://github.com/o/r;rm -rf",
    "https://github.com/o/r\n", "https://github.com/o/r$(id)", "https://github.com/o/\u202er", "https://x.com/`id`",
    "ftp://example.com/x", "https:///nohost", "", None,
])
def test_unsafe_web_addresses_are_refused(url):
    assert safe_web_url(url) is None


def test_ids_and_shas_are_checked():
    assert safe_id("git:shopapi:" + SHA) == "git:shopapi:" + SHA
    assert safe_id("github:acme/shop#8") == "github:acme/shop#8"
    assert safe_id("git:evil repo:abc") is None and safe_id("git:x\x1b]52;c;eA==\x07:abc") is None
    assert safe_sha(SHA) == SHA and safe_sha("not-hex") is None and safe_sha(SHA.upper()) is None


@pytest.mark.parametrize("remote, web", [
    ("git@github.com:acme/shop.git", f"https://github.com/acme/shop/commit/{SHA}"),
    ("https://github.com/acme/shop.git", f"https://github.com/acme/shop/commit/{SHA}"),
    ("ssh://git@gitea.example.com/team/shop", f"https://gitea.example.com/team/shop/commit/{SHA}"),
    ("https://gitlab.com/group/sub/proj", f"https://gitlab.com/group/sub/proj/commit/{SHA}"),
    ("/srv/git/shop.git", None),
    ("file:///srv/git/shop.git", None),
    ("https://github.com/acme", None),
])
def test_a_commit_web_page_comes_from_the_remote(remote, web):
    assert commit_web_url(remote, SHA) == web


def test_a_local_commit_links_to_its_page_on_the_origin_remote(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    sha = b.commit({"a.py": "x = 1\n"})
    row = {"id": f"git:r:{sha}", "sha": sha, "url": "", "source": "git", "repo_path": str(b.path)}
    links = {link.kind: link for link in change_links(row)}
    assert links["url"].value is None and "no remote" in links["url"].why
    b.repo.remotes.create("origin", "git@github.com:acme/r.git")
    links = {link.kind: link for link in change_links(row)}
    assert links["id"].value == row["id"] and links["sha"].value == sha
    assert links["url"].value == f"https://github.com/acme/r/commit/{sha}"


def test_a_forge_change_with_a_hostile_url_offers_nothing_to_open():
    row = {"id": "github:evil/repo#1", "sha": "", "url": "https://evil.example/\x1b]52;c;eA==\x07", "source": "github"}
    links = {link.kind: link for link in change_links(row)}
    assert links["url"].value is None and "safe characters" in links["url"].why
    assert links["sha"].value is None and links["id"].value == "github:evil/repo#1"


def test_osc52_is_off_unless_the_users_own_config_turns_it_on(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("TRIAGE_CONFIG", str(config))
    config.write_text("[keymap]\n", encoding="utf-8")
    assert osc52_enabled() is False
    config.write_text("[clipboard]\nosc52 = true\n", encoding="utf-8")
    assert osc52_enabled() is True
    config.write_text('[clipboard]\nosc52 = "yes"\n', encoding="utf-8")
    with pytest.raises(TriageError, match=str(config)):
        osc52_enabled()


# ------------------------------------------------------------------ undo


def _ids(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM changes WHERE kind = 'ai' ORDER BY id")]


def test_withdrawing_a_verdict_supersedes_it_and_keeps_both_rows(demo):
    _, db = demo
    cid = _ids(db)[0]
    with Store(db) as store:
        vid = store.record_verdict(cid, "approve", reviewer="alice")
        assert store.latest_verdicts()[cid]["verdict"] == "approve"
        assert store.withdraw_verdict(cid, vid, reviewer="alice") == 0
        assert cid not in store.latest_verdicts() and cid not in store.superseded_verdicts()
        history = store.verdicts_for(cid)
        assert [v["verdict"] for v in history] == ["approve", "withdrawn"]
        assert vid[:12] in history[-1]["note"]
        with pytest.raises(TriageError, match="later verdict"):
            store.withdraw_verdict(cid, vid)  # the approve is no longer the latest verdict


def test_withdrawing_cancels_the_forge_posts_no_push_has_tried(demo):
    _, db = demo
    cid = _ids(db)[0]
    with Store(db) as store:
        vid = store.record_verdict(cid, "approve", outbox=[{"action": "comment", "body": "a"},
                                                           {"action": "status", "body": "b"}])
        with store.write() as conn:  # a push already tried one of them
            conn.execute("UPDATE outbox SET attempts = 1 WHERE verdict_id = ? AND action = 'status'", (vid,))
        assert store.withdraw_verdict(cid, vid) == 1
        states = dict(store.conn.execute("SELECT action, state FROM outbox WHERE verdict_id = ?", (vid,)).fetchall())
        assert states == {"comment": "cancelled", "status": "pending"}
        assert store.posts_waiting() == 1


def test_a_withdrawn_verdict_leaves_the_change_unreviewed_in_the_queue_and_show(demo, capsys):
    import json

    from triage.cli import main
    from triage.queue import load_queue

    _, db = demo
    cid = _ids(db)[0]
    with Store(db) as store:
        store.withdraw_verdict(cid, store.record_verdict(cid, "approve"))
        item = next(i for i in load_queue(store) if i.id == cid)
    assert item.state == "unreviewed" and item.shown_state == "unreviewed"
    assert main(["show", cid, "--json", "--db", str(db)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["verdict"] is None and [v["verdict"] for v in shown["verdicts"]] == ["approve", "withdrawn"]
