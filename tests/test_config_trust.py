"""Trusted configuration: what the reviewer's own file sets, and the little a repository may add."""

from __future__ import annotations

import pygit2
import pytest

from gitrepo import RepoBuilder
from triage.cli import main
from triage.config import config_for_change, load_config, repo_additions
from triage.errors import TriageError
from triage.risk import RiskInput, score_change
from triage.models import FileDiff, Provenance

BILLING = '[[risk.paths]]\ncategory = "billing"\npoints = 20\npattern = \'(^|/)billing/\'\n'


def use_config(monkeypatch, tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text)
    monkeypatch.setenv("TRIAGE_CONFIG", str(path))
    return path


def categories(cfg) -> list[str]:
    return [p.category for p in cfg.risk.paths]


def score(paths, cfg):
    files = tuple(FileDiff("A", None, p, new_raw_path=p.encode(), added=1) for p in paths)
    return score_change(RiskInput(files, (), Provenance("ai", "claude")), cfg.risk)


# ----------------------------------------------------------------- the reviewer's own file


def test_user_risk_paths_add_to_the_default_sensitive_paths(monkeypatch, tmp_path):
    defaults = categories(load_config())
    use_config(monkeypatch, tmp_path, BILLING)
    cfg = load_config()
    assert categories(cfg) == defaults + ["billing"]
    names = {f.name for f in score(["app/auth/login.py", "billing/invoice.py"], cfg).factors}
    assert {"path:auth", "path:billing"} <= names  # the defaults still count


def test_a_user_category_with_a_default_name_replaces_that_one_only(monkeypatch, tmp_path):
    defaults = categories(load_config())
    use_config(monkeypatch, tmp_path, '[[risk.paths]]\ncategory = "auth"\npoints = 40\npattern = \'^auth/\'\n')
    cfg = load_config()
    assert categories(cfg) == defaults
    assert next(p for p in cfg.risk.paths if p.category == "auth").points == 40


def test_paths_replace_replaces_the_defaults(monkeypatch, tmp_path):
    use_config(monkeypatch, tmp_path, "[risk]\npaths_replace = true\n" + BILLING)
    assert categories(load_config()) == ["billing"]


def test_a_broken_user_path_entry_is_a_one_line_error(monkeypatch, tmp_path, capsys):
    path = use_config(monkeypatch, tmp_path, '[[risk.paths]]\ncategory = "x"\npoints = 3\npattern = "("\n')
    with pytest.raises(TriageError, match="not a valid regular expression"):
        load_config()
    RepoBuilder(tmp_path / "r").commit({"a.py": "A = 1\n"}, "one")
    assert main(["gate", "--repo", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(path) in err


# ----------------------------------------------------------------- the repository's file


def repo_with(tmp_path, toml: str, *, ref="refs/heads/main") -> RepoBuilder:
    b = RepoBuilder(tmp_path / "r")
    b.commit({"README.md": "x\n", ".triage.toml": toml}, "config", ref=ref)
    return b


def test_the_working_tree_file_is_never_read(monkeypatch, tmp_path):
    b = repo_with(tmp_path, BILLING)
    (b.path / ".triage.toml").write_text(BILLING.replace("billing", "payroll"))
    use_config(monkeypatch, tmp_path, '[trust]\nref = "main"\n')
    assert categories(load_config(b.path))[-1] == "billing"  # the committed one, at the trusted ref


def test_without_a_trusted_ref_no_repository_file_is_read(monkeypatch, tmp_path):
    b = repo_with(tmp_path, BILLING)  # no remote, so no origin/HEAD
    assert "billing" not in categories(load_config(b.path))
    use_config(monkeypatch, tmp_path, '[trust]\nref = ""\n')
    assert "billing" not in categories(load_config(b.path))


def test_a_clone_reads_its_default_branch(tmp_path):
    b = repo_with(tmp_path, BILLING)
    clone = pygit2.clone_repository(str(b.path), str(tmp_path / "clone"))
    (tmp_path / "clone" / ".triage.toml").unlink()  # the checked-out copy does not matter
    assert categories(load_config(clone))[-1] == "billing"


def test_a_missing_trusted_ref_warns_and_reads_nothing(monkeypatch, tmp_path):
    b = repo_with(tmp_path, BILLING)
    use_config(monkeypatch, tmp_path, '[trust]\nref = "origin/release"\n')
    said = []
    assert "billing" not in categories(load_config(b.path, warn=said.append))
    assert len(said) == 1 and "'origin/release'" in said[0] and "not read" in said[0]


@pytest.mark.parametrize("toml, problem", [
    ('[[risk.paths]]\ncategory = "auth"\npoints = 5\npattern = "x"\n', "already defined"),
    ('[[risk.paths]]\ncategory = "free"\npoints = -30\npattern = "."\n', "points must be above 0"),
    ('[[risk.paths]]\ncategory = "odd"\npoints = 3\npattern = "x"\nfloor = "LOW"\n', "unknown keys"),
    ('[[risk.paths]]\ncategory = "bad"\npoints = 3\npattern = "("\n', "not a valid regular expression"),
    ('[[provenance.agents]]\nid = "claude"\nkind = "bot"\n', "already defined"),
    ('[[provenance.agents]]\nid = "new-bot"\nkind = "bot"\nemails = ["me@example.com"]\n', 'only add kind = "ai"'),
    ('[[provenance.agents]]\nid = "x"\nweight = 5\n', "unknown keys"),
])
def test_what_a_repository_may_not_add_is_named_and_left_out(toml, problem):
    import tomllib

    paths, agents, warnings = repo_additions(tomllib.loads(toml), load_config(), "here")
    assert paths == [] and agents == []
    assert len(warnings) == 1 and problem in warnings[0] and warnings[0].startswith("here: ")


def test_every_table_that_lowers_review_is_ignored_with_one_warning():
    import tomllib

    raw = tomllib.loads('[gate]\nblocked = []\n[rules]\ndisabled = ["eval-exec"]\n[risk.thresholds]\nHIGH = 999\n'
                        '[sampling]\nsecret = "x"\n[team]\nmembers = []\n[keymap]\n"a" = "b"\n[provenance]\n'
                        'threshold = 1000\n' + BILLING)
    paths, agents, warnings = repo_additions(raw, load_config(), "here")
    assert [p["category"] for p in paths] == ["billing"] and agents == []
    assert len(warnings) == 1
    for name in ("[gate]", "[rules]", "[sampling]", "[team]", "[keymap]", "risk.thresholds", "provenance.threshold"):
        assert name in warnings[0]


def test_a_new_ai_agent_may_be_added(monkeypatch, tmp_path):
    b = repo_with(tmp_path, '[[provenance.agents]]\nid = "acme"\nbranch_prefixes = ["acme/"]\n')
    use_config(monkeypatch, tmp_path, '[trust]\nref = "main"\n')
    agent = next(a for a in load_config(b.path).provenance.agents if a.id == "acme")
    assert agent.kind == "ai"


def test_the_change_that_wrote_the_file_is_scored_without_it(monkeypatch, tmp_path, capsys):
    b = RepoBuilder(tmp_path / "r")
    b.commit({"README.md": "x\n"}, "base")
    writer = b.commit({".triage.toml": BILLING, "billing/a.py": "A = 1\n"}, "add billing and its config")
    later = b.commit({"billing/b.py": "B = 2\n"}, "more billing")
    use_config(monkeypatch, tmp_path, '[trust]\nref = "main"\n')
    cfg = load_config(b.path)
    assert "billing" in categories(cfg)
    diff = b.repo.diff(b.repo[writer].parents[0], b.repo[writer])
    files = [FileDiff("A", None, p.delta.new_file.path, new_oid=str(p.delta.new_file.id)) for p in diff]
    assert "billing" not in categories(config_for_change(cfg, files))

    def factors(sha):
        assert main(["gate", "--repo", str(b.path), "--rev", sha]) in (0, 1, 2)
        return capsys.readouterr().out

    assert "path:billing" not in factors(writer)  # its own config does not apply to it...
    assert "path:billing" in factors(later)  # ...it applies to the changes after it


def test_a_symlinked_repo_config_is_not_followed(monkeypatch, tmp_path):
    b = RepoBuilder(tmp_path / "r")
    b.commit({"cfg/real.toml": BILLING}, "real")
    b.commit({".triage.toml": "cfg/real.toml"}, "link", mode=pygit2.enums.FileMode.LINK)
    use_config(monkeypatch, tmp_path, '[trust]\nref = "main"\n')
    said = []
    assert "billing" not in categories(load_config(b.path, warn=said.append))
    assert len(said) == 1 and "is not a regular file" in said[0]
