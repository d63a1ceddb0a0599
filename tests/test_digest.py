"""Tests for triage.digest: the demo digest in Markdown and HTML, safety of untrusted text, the run cursor."""

from __future__ import annotations

import json
import re

from test_rotation import cli  # noqa: F401 - the shared `cli` fixture

from triage import digest
from triage.store import Store

HOSTILE = "[bold red]pwned[/] \x1b]52;c;ZXZpbA==\x07 tidy greeting"
HOSTILE_SHOWN = "[bold red]pwned[/] ^[]52;c;ZXZpbA==^G tidy greeting"
SINCE = "2026-11-01"


def _add_script_title(db) -> str:
    """A copy of a demo change whose title (and author) try to inject HTML."""
    with Store(db) as store:
        row = store.query("SELECT * FROM changes WHERE kind = 'ai' ORDER BY authored_at LIMIT 1")[0]
        row.update(id=row["id"] + "-x", sha="f" * 40, title="<script>alert(1)</script> & <img src=x onerror=y>",
                   author_name="Eve <b>\u202eevil", url="javascript:alert(1)")
        with store.write():
            store.save_changes([row], {})
    return row["id"]


def test_demo_digest_markdown(cli):
    with Store(cli.db) as store:
        store.record_verdict(store.resolve_id("5ca9004b9c"), "needs-fix", note="hostile message", reviewer="bruno")
    code, out, err = cli("digest", "--since", SINCE)
    assert code == 0, err
    assert out.startswith("# triage digest: 2026-11-01 00:00 UTC to ")
    assert "## Merged in this window, by tier" in out
    assert "## Deep-dive samples (★)" in out and "★ `ae80b117ab`" in out
    assert "## Still unreviewed" in out and "## Verdicts given" in out
    assert "**needs-fix** on `5ca9004b9c`" in out and "by bruno: “hostile message”" in out
    # Tiers appear CRITICAL first.
    tiers = re.findall(r"^### (\w+) \(\d+\)$", out, re.M)
    assert tiers == sorted(tiers, key=["CRITICAL", "HIGH", "MEDIUM", "LOW"].index)
    # The hostile title is inert: visible stand-ins, Markdown brackets escaped, no control bytes.
    assert r"\[bold red\]pwned\[/\] ^\[\]52;c;ZXZpbA==^G tidy greeting" in out
    assert "\x1b" not in out and "\x07" not in out


def test_demo_digest_html_is_self_contained_and_safe(cli):
    _add_script_title(cli.db)
    code, out, err = cli("digest", "--since", SINCE, "--format", "html", "--all")
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    # The demo's hostile commit message shows literally (made visible), with no raw ESC or BEL.
    assert HOSTILE_SHOWN in out
    assert "\x1b" not in out and "\x07" not in out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out)
    # A <script> title is escaped; the page has no script, no external asset, no javascript: link.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=y&gt;" in out
    assert "<script" not in out.lower() and "<img" not in out.lower()
    assert "javascript:" not in out.replace("javascript:alert(1)", "") and 'href="javascript' not in out
    assert not re.search(r"<(link|iframe|object|embed)\b|\bsrc=\"|url\(", out, re.I)
    assert "Content-Security-Policy" in out and "default-src 'none'" in out
    # The bidi override in an author name shows as a visible token.
    assert "Eve &lt;b&gt;⟨U+202E RLO⟩evil" in out and "\u202e" not in out


def test_markdown_escapes_injection_too(cli):
    _add_script_title(cli.db)
    code, out, _ = cli("digest", "--since", SINCE, "--all")
    assert code == 0
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "\u202e" not in out and "⟨U+202E RLO⟩" in out


def test_digest_defaults_to_the_previous_run_and_records_it(cli, monkeypatch):
    with Store(cli.db) as store:
        assert digest.last_run(store, None) is None
        now = 1_800_000_000.0
        # now = 2027-01-15T08:00Z, so "yesterday" starts at 2027-01-14T00:00Z
        assert digest.default_since(store, None, now) == 1_799_884_800.0
    code, out, _ = cli("digest", "--since", SINCE, "--no-record")
    with Store(cli.db) as store:
        assert digest.last_run(store, None) is None
    code, out, _ = cli("digest", "--since", SINCE, "--repo", "shopapi")
    assert code == 0 and "# triage digest for shopapi:" in out
    with Store(cli.db) as store:
        ran = digest.last_run(store, "shopapi")
        assert ran is not None and digest.last_run(store, None) is None
    # The next run starts where the last one ended: nothing merged since.
    code, out, _ = cli("digest", "--repo", "shopapi")
    assert code == 0 and "Nothing merged in this window." in out and "No verdicts in this window." in out
    # ... but what is still unreviewed is listed whatever the window.
    assert "## Still unreviewed (" in out and "Nothing is waiting" not in out


def test_build_window_and_verdicts(cli):
    with Store(cli.db) as store:
        cid = store.resolve_id("ae80b117ab")
        store.record_verdict(cid, "approve", reviewer="dana")
        d = digest.build(store, since=0, include_all=True)
        assert d["merged_total"] == 21 and d["unreviewed_total"] == 20
        assert [v["change_id"] for v in d["verdicts"]] == [cid]
        assert list(d["merged"]) == ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
        assert all(i["sampled"] for i in d["samples"]) and d["samples_total"] >= 1
        olds = [i["authored_at"] for i in d["unreviewed"]]
        assert olds == sorted(olds)
        assert json.dumps(d)  # plain data, ready for the TUI
        empty = digest.build(store, since=0, until=1)
        assert empty["merged_total"] == 0 and empty["verdicts"] == []


def test_html_output_file(cli, tmp_path):
    target = tmp_path / "digest.html"
    code, out, err = cli("digest", "--since", SINCE, "--format", "html", "--output", str(target))
    assert code == 0, err
    assert "wrote the html digest to" in out
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_digest_bad_since_is_a_one_line_error(cli):
    code, _, err = cli("digest", "--since", "whenever")
    assert code == 2 and err.startswith("triage: error: cannot read the time") and err.count("\n") == 1
