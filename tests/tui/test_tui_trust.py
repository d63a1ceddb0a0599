"""The Review screen tells the two kinds of suppression apart and shows why an attacked change kept its tier."""

from __future__ import annotations

import pytest
from tui_helpers import NOW, SIZE, FakeMonotonic, open_change, settle

from triage.models import SUPPRESSION_ADDED_NOTE, SUPPRESSION_EXISTING_NOTE


@pytest.fixture(scope="module")
def author_db(tmp_path_factory):
    """The hostile-author corpus, its self-suppressed change and its honest, pre-existing suppression ingested."""
    from hostile.authors import build_author_corpus
    from triage.ingest import ingest
    from triage.store import Store

    root = tmp_path_factory.mktemp("tui-authors")
    corpus = build_author_corpus(root / "repo")
    db = root / "authors.db"
    with Store(db) as store:
        for ref in ("case/self-suppression/attacked", "case/existing-suppression", "case/identity-spoof/attacked"):
            ingest(store, corpus.path, rev_range=ref, secret=b"tui-sampling-secret-0123")
    return corpus, db


def author_app(corpus, db):
    from tui.app import make_app

    return make_app(db, corpus.path, now=NOW, reviewer="reviewer", monotonic=FakeMonotonic())


async def panel_texts(pilot, count: int) -> list[str]:
    out = []
    for _ in range(count):
        await pilot.press("n")
        await pilot.pause()
        out.append(str(pilot.app.screen.query_one("#finding-text").render()))
    return out


async def test_a_suppression_the_change_added_is_flagged_and_counted(author_db):
    corpus, db = author_db
    app = author_app(corpus, db)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, corpus.attacks["self-suppression"].attacked[:10])
        screen = app.screen
        texts = await panel_texts(pilot, len(screen.layout_.finding_rows))
        flagged = [t for t in texts if SUPPRESSION_ADDED_NOTE in t]
        assert {r for r in ("hardcoded-secret", "hidden-unicode", "sql-interpolation", "shell-injection", "eval-exec")
                if any(r in t for t in flagged)} == {"hardcoded-secret", "hidden-unicode", "sql-interpolation",
                                                     "shell-injection", "eval-exec"}
        assert not any(SUPPRESSION_EXISTING_NOTE in t for t in texts)
        header = str(screen.query_one("#review-title").render())
        assert "6 findings" in header  # the self-suppressed ones count
        await pilot.press("f")
        await settle(pilot)
        factors = str(app.screen.query_one("#factors-body").query_one("Static").render())
        assert "suppression-added" in factors and "does not silence" in factors and "CRITICAL" in factors


async def test_a_suppression_that_was_there_before_is_shown_as_such(author_db):
    corpus, db = author_db
    app = author_app(corpus, db)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, corpus.commits["existing-suppression"][:10])
        texts = await panel_texts(pilot, len(app.screen.layout_.finding_rows))
        assert any(SUPPRESSION_EXISTING_NOTE in t and "eval-exec" in t for t in texts), texts
        assert not any(SUPPRESSION_ADDED_NOTE in t for t in texts)


async def test_an_identity_conflict_is_shown_with_the_factors(author_db):
    corpus, db = author_db
    app = author_app(corpus, db)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, corpus.attacks["identity-spoof"].attacked[:10])
        await pilot.press("f")
        await settle(pilot)
        factors = str(app.screen.query_one("#factors-body").query_one("Static").render())
        assert "identity-conflict" in factors and "dependabot" in factors and "ai: claude" in factors


async def test_approving_a_self_suppressed_change_lists_the_suppressions_from_the_queue_and_review(author_db):
    from triage.approval import approval_concerns
    from triage.services.changes import gather_approval_facts
    from triage.queue import load_queue
    from triage.store import Store

    corpus, db = author_db
    sha = corpus.attacks["self-suppression"].attacked
    with Store(db) as store:
        cid = next(item.id for item in load_queue(store, include_all=True) if item.sha == sha)
        _, facts = gather_approval_facts(store, cid, corpus.path)
    concerns = approval_concerns(facts)
    assert any("5 findings with a suppression comment added by this change" in c for c in concerns), concerns
    app = author_app(corpus, db)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, sha[:10])
        await pilot.press("v")
        await settle(pilot)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "suppression comment added by this change" in shown
