"""The benchmark runs end to end on a tiny repository and reports every row (no thresholds here)."""

import json
import subprocess
import sys

from triage.bench.run import MEASUREMENTS


def test_bench_reports_every_row_with_a_numeric_ratio_or_a_reason(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "triage.bench", "--commits", "60", "--repeat", "1", "--json", "--quiet",
         "--keep", str(tmp_path), "--diff-lines", "1500", "--small-diff-lines", "150", "--real-commits", "40"],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    report = json.loads(proc.stdout)
    rows = {r["name"]: r for r in report["rows"]}
    assert list(rows) == [n for n in MEASUREMENTS if not n.startswith("repo-")]
    for name, row in rows.items():
        if row["note"].startswith("not available:"):
            assert name.startswith("tui-"), row  # only the app's rows may be skipped, with a reason
            continue
        assert isinstance(row["ours"], float) and isinstance(row["baseline"], float), row
        assert isinstance(row["ratio"], float) and row["ratio"] > 0, row
        assert (row["met"] is None) == (row["target"] is None), row
    assert rows["ingest-all"]["target"] == 2.0 and rows["ingest-ai"]["target"] == 0.3
    assert rows["reingest-warm"]["target"] == 0.05
    assert rows["real-ingest-all"]["target"] == 5.0 and rows["real-ingest-ai"]["target"] == 0.3
    real = rows["real-ingest-all"]
    assert real["runs"]["analysed"] == report["subjects"]["real"]["commits"] == 40
    assert real["runs"]["cpu"] > 0 and real["runs"]["peak_rss_mb"] > 10  # measured over every process
    assert "ms per analysed commit" in real["note"] and "peak RSS" in real["note"]


def test_bench_times_ingest_on_any_local_repository_against_git_log_over_the_same_commits(tmp_path):
    from triage.bench import synth

    info = synth.build(tmp_path / "src", n=30, seed=4, pack=False, light=True)
    proc = subprocess.run(
        [sys.executable, "-m", "triage.bench", "--repo", str(info.path), "--range", "main~20..main", "--repeat", "1",
         "--json", "--quiet", "--keep", str(tmp_path / "keep")],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    report = json.loads(proc.stdout)
    rows = {r["name"]: r for r in report["rows"]}
    assert list(rows) == [n for n in MEASUREMENTS if n.startswith("repo-")]
    from triage.git import open_repo, walk

    in_range = len(list(walk(open_repo(info.path), rev_range="main~20..main")))  # side branches' commits too
    assert report["subjects"]["repo"]["commits"] == in_range >= 20
    assert rows["repo-ingest-all"]["runs"]["analysed"] == in_range
    for row in rows.values():
        assert isinstance(row["ratio"], float) and row["ratio"] > 0, row


def test_bench_table_renders_missing_values():
    from triage.bench.run import Row, render_table

    text = render_table([Row("x", "label", "base", ours=1.0, baseline=2.0, target=2.0),
                         Row("y", "other", "base", note="not available: no app")])
    assert "0.5×" in text and "met" in text and "not available: no app" in text


def test_a_floor_row_says_how_much_of_its_target_it_leaves():
    from triage.bench.run import Bench, Row

    def room(ours: float, target_row: str) -> str:
        return Bench._room(None, Row("f", "floor", "base", ours=ours, baseline=1.0), target_row)

    assert room(1.79, "ingest-all") == "0.21× of the 2× target is left for every rule"
    assert room(1.995, "ingest-all") == "0.005× of the 2× target is left for every rule"  # not rounded to 0
    assert room(0.46, "ingest-ai") == "already 0.16× over the 0.3× target before any rule runs"
