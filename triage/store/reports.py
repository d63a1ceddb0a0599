"""Provides the store's reads for reports: the review controls, the daily digest, the queue's facets."""

from __future__ import annotations


class ReportsTable:
    """Aggregate reads over changes, verdicts, escapes and review time (a mixin of the store)."""

    def control_rows(self, *, repo: str | None = None, include_all: bool = False,
                     since: float | None = None) -> list[dict]:
        """``id, repo, tier, kind, agent, sampled, sample_rate, added, deleted, authored_at`` of the
        analysed changes (AI-authored only unless ``include_all``), oldest first."""
        where, params = ["analyzed = 1"], []
        if not include_all:
            where.append("kind = 'ai'")
        if repo:
            where.append("(repo = ? OR repo_path = ?)")
            params += [repo, repo]
        if since is not None:
            where.append("authored_at >= ?")
            params.append(since)
        return self.query(
            "SELECT id, repo, tier, kind, agent, sampled, sample_rate, added, deleted, authored_at FROM changes "
            f"WHERE {' AND '.join(where)} ORDER BY authored_at, id", params)

    def escape_counts(self) -> dict[str, int]:
        """change id -> how many escapes it has."""
        return {r["change_id"]: r["n"] for r in self.query(
            "SELECT change_id, COUNT(*) AS n FROM escapes GROUP BY change_id")}

    def session_seconds(self) -> dict[str, float]:
        """change id -> seconds of review sessions recorded on it."""
        return {r["change_id"]: r["s"] for r in self.query(
            "SELECT change_id, SUM(seconds) AS s FROM review_sessions GROUP BY change_id")}

    def verdict_seconds(self) -> dict[str, float]:
        """change id -> seconds its verdicts say were spent on it."""
        return {r["change_id"]: r["s"] for r in self.query(
            "SELECT change_id, SUM(seconds_spent) AS s FROM verdicts WHERE seconds_spent > 0 GROUP BY change_id")}

    def review_seconds(self) -> list[float]:
        """Seconds of every recorded review session."""
        return [r["seconds"] for r in self.query("SELECT seconds FROM review_sessions")]

    def verdicts_between(self, since: float, until: float) -> list[dict]:
        """Verdicts recorded in ``[since, until)`` with their change's title, tier, sha and source."""
        return self.query(
            "SELECT v.change_id, v.verdict, v.note, v.reviewer, v.created_at, c.title, c.tier, c.sha, c.source "
            "FROM verdicts v JOIN changes c ON c.id = v.change_id WHERE v.created_at >= ? AND v.created_at < ? "
            "ORDER BY v.created_at, v.rowid", (since, until))

    def escapes_between(self, since: float, until: float) -> list[dict]:
        """Escapes recorded in ``[since, until)`` with their change's title and tier."""
        return self.query(
            "SELECT e.change_id, e.note, e.link, e.found_at, e.created_at, c.title, c.tier FROM escapes e "
            "JOIN changes c ON c.id = e.change_id WHERE e.created_at >= ? AND e.created_at < ? "
            "ORDER BY e.created_at, e.id", (since, until))

    def agents(self) -> list[str]:
        """The agents of analysed changes, sorted."""
        return [r["agent"] for r in self.query(
            "SELECT DISTINCT agent FROM changes WHERE analyzed = 1 AND agent IS NOT NULL ORDER BY agent")]

    def reviewers(self) -> list[str]:
        """Everyone assigned a change or who recorded a verdict, sorted."""
        return sorted({r["name"] for r in self.query(
            "SELECT assignee AS name FROM changes WHERE assignee IS NOT NULL AND assignee != '' "
            "UNION SELECT reviewer AS name FROM verdicts WHERE reviewer != ''")})
