"""Queue ordering: CRITICAL first, samples raised within their tier, then oldest first."""

from hypothesis import given
from hypothesis import strategies as st

from triage.models import TIER_RANK, TIERS
from triage.queue import QueueItem, order

items = st.builds(
    lambda i, tier, sampled, age: QueueItem(
        id=f"git:r:{i:08x}", title="t", author="a", author_email="a@x", agent="claude", kind="ai", tier=tier,
        score=0.0, factors=[], sampled=sampled, findings=0, files=[], added=0, deleted=0, url="",
        authored_at=age, repo="r", sha=f"{i:08x}", source="git"),
    st.integers(0, 10**6), st.sampled_from(TIERS), st.booleans(), st.integers(0, 10**9),
)


@given(st.lists(items, max_size=60, unique_by=lambda x: x.id))
def test_order_is_tier_then_sample_then_age(xs):
    out = order(xs)
    assert sorted(x.id for x in out) == sorted(x.id for x in xs)  # a permutation
    for a, b in zip(out, out[1:]):
        ra, rb = TIER_RANK[a.tier], TIER_RANK[b.tier]
        assert ra >= rb
        if ra == rb:
            assert a.sampled >= b.sampled
            if a.sampled == b.sampled:
                assert (a.authored_at, a.id) <= (b.authored_at, b.id)


@given(st.lists(items, max_size=40, unique_by=lambda x: x.id), st.randoms())
def test_order_does_not_depend_on_input_order(xs, rnd):
    shuffled = list(xs)
    rnd.shuffle(shuffled)
    assert [x.id for x in order(xs)] == [x.id for x in order(shuffled)]
