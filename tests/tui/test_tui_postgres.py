"""The app on a shared PostgreSQL database: the same queue as on SQLite, and a verdict recorded there."""

from __future__ import annotations

from tui_helpers import DEMO_SECRET, SALES_SHA, SIZE, open_change, settle

from triage.store import Store
from tui.messages import QueueLoaded, VerdictRecorded
from tui.screens.verdict import VerdictModal


async def test_the_app_reviews_from_a_postgres_database_as_from_sqlite(make_demo_app, demo_db, demo_repo, pg_url):
    from triage.ingest import ingest

    with Store(pg_url) as store:
        ingest(store, demo_repo, include_all=True, secret=DEMO_SECRET)
    queues = []
    for db in (demo_db, pg_url):
        seen: list = []
        async with make_demo_app(db).run_test(size=SIZE, message_hook=seen.append) as pilot:
            await settle(pilot)
            queues.append([(i.id, i.tier, i.state) for i in [m for m in seen if isinstance(m, QueueLoaded)][-1].items])
    assert queues[0] and queues[1] == queues[0]

    seen = []
    app = make_demo_app(pg_url)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await open_change(pilot, SALES_SHA)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VerdictModal)
        await pilot.press("f", "tab", "tab")
        await pilot.press(*"shared queue")
        await pilot.press("enter")
        await settle(pilot)
        [recorded] = [m for m in seen if isinstance(m, VerdictRecorded)]
        await pilot.press("q")
    with Store(pg_url) as store:
        [v] = store.verdicts_for(recorded.change_id)
    assert (v["verdict"], v["note"], v["reviewer"]) == ("needs-fix", "shared queue", "reviewer")
    assert recorded.change_id.endswith(":" + v["sha"]) and v["sha"].startswith(SALES_SHA)
