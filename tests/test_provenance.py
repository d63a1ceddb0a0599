"""Provenance: each agent's markers are recognised, with evidence; display names never suffice."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.config import load_config
from triage.models import Change
from triage.provenance import ProvenanceRules, detect, merge_branch, parse_trailers

RULES = ProvenanceRules.from_config(load_config().provenance)


def change(message="Fix it", name="Alice", email="alice@example.com", committer=None, branch="", labels=(),
           login=""):
    return Change(id="git:r:1", source="git", repo="r", sha="1", title=message.split("\n")[0], message=message,
                  author_name=name, author_email=email, committer_email=committer or email, authored_at=0,
                  branch=branch, labels=tuple(labels), author_login=login)


@pytest.mark.parametrize(
    "kwargs, agent, signal",
    [
        (dict(message="Add x\n\nCo-Authored-By: Claude <noreply@anthropic.com>"), "claude", "trailer"),
        (dict(message="Add x\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>"), "claude", "trailer"),
        (dict(message="Add x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)"), "claude", "footer"),
        (dict(message="Add x\n\nClaude-Session: https://claude.ai/code/session_01"), "claude", "trailer-key"),
        (dict(name="Copilot", email="198982749+Copilot@users.noreply.github.com"), "copilot", "bot-login"),
        (dict(message="x\n\nCo-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>"), "copilot",
         "trailer"),
        (dict(branch="copilot/fix-login"), "copilot", "branch"),
        (dict(login="copilot-swe-agent[bot]"), "copilot", "bot-login"),
        (dict(message="x\n\nCo-authored-by: Codex <noreply@openai.com>"), "codex", "trailer"),
        (dict(message="x\n\nhttps://chatgpt.com/codex/tasks/task_e_68a1"), "codex", "footer"),
        (dict(message="Merge pull request #3 from bob/codex/export\n\nExport"), "codex", "branch"),
        (dict(message="x\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>"), "cursor", "trailer"),
        (dict(name="Cursor Agent", email="cursoragent@cursor.com"), "cursor", "email"),
        (dict(message="x\n\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>"), "aider", "trailer"),
        (dict(message="x\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>"), "aider", "trailer"),
        (dict(email="158243242+devin-ai-integration[bot]@users.noreply.github.com"), "devin", "bot-login"),
        (dict(message="x\n\nLink to Devin run: https://app.devin.ai/sessions/abc"), "devin", "footer"),
        (dict(email="161369871+google-labs-jules[bot]@users.noreply.github.com"), "jules", "bot-login"),
        (dict(email="208079219+amazon-q-developer[bot]@users.noreply.github.com"), "amazon-q", "bot-login"),
        (dict(labels=["ai-generated"]), "ai", "label"),
    ],
)
def test_each_agent_marker_is_recognised_with_evidence(kwargs, agent, signal):
    p = detect(change(**kwargs), RULES)
    assert p.kind == "ai"
    assert p.agent == agent
    assert any(e.signal == signal and e.agent == agent for e in p.evidence)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(email="49699333+dependabot[bot]@users.noreply.github.com", name="dependabot[bot]"),
        dict(branch="renovate/react-18.x"),
    ],
)
def test_dependency_bots_are_bots_not_ai(kwargs):
    p = detect(change(**kwargs), RULES)
    assert p.kind == "bot"


@pytest.mark.parametrize(
    "name",
    ["Claude", "Devin", "Jules", "Cursor", "Codex", "Copilot", "Claude Dubois", "Amazon Q"],
)
def test_a_display_name_alone_is_never_evidence(name):
    p = detect(change(name=name, email=f"{name.split()[0].lower()}@example.com"), RULES)
    assert p.kind == "human"
    assert p.agent is None


def test_aider_name_suffix_alone_is_below_the_threshold_but_recorded():
    p = detect(change(name="Dana (aider)"), RULES)
    assert p.kind == "human"
    assert [e.signal for e in p.evidence] == ["name-suffix"]


def test_an_unknown_coauthor_email_is_not_evidence():
    p = detect(change(message="x\n\nCo-authored-by: Claude <claude@example.com>"), RULES)
    assert p.kind == "human"


def test_a_trailer_outside_the_final_paragraph_does_not_count():
    msg = "Co-Authored-By: Claude <noreply@anthropic.com>\n\nBody text that is not a trailer block"
    assert parse_trailers(msg) == []
    assert detect(change(message=msg), RULES).kind == "human"


def test_merge_branch_is_read_from_common_merge_subjects():
    assert merge_branch("Merge pull request #14 from alice/codex/order-export\n\nx") == "codex/order-export"
    assert merge_branch("Merge branch 'claude/fix' into main") == "claude/fix"
    assert merge_branch("Merge remote-tracking branch 'origin/devin/x'") == "devin/x"
    assert merge_branch("Fix merge of branch") == ""


def test_repo_config_adds_an_agent_only_from_the_trusted_ref(tmp_path, monkeypatch):
    from gitrepo import RepoBuilder

    b = RepoBuilder(tmp_path / "r")
    b.commit({".triage.toml": '[[provenance.agents]]\nid = "acme-bot"\nname = "Acme"\nkind = "ai"\n'
                              'branch_prefixes = ["acme/"]\n'}, "config")
    (tmp_path / "r" / ".triage.toml").write_text('[[provenance.agents]]\nid = "wt-bot"\nbranch_prefixes = ["wt/"]\n')
    user = tmp_path / "config.toml"
    user.write_text('[trust]\nref = "main"\n')
    monkeypatch.setenv("TRIAGE_CONFIG", str(user))
    rules = ProvenanceRules.from_config(load_config(tmp_path / "r").provenance)
    p = detect(change(branch="acme/do-thing"), rules)
    assert (p.kind, p.agent) == ("ai", "acme-bot")
    assert detect(change(branch="claude/x"), rules).agent == "claude"  # defaults are kept
    assert detect(change(branch="wt/x"), rules).kind == "human"  # the working tree's file is never read

# ------------------------------------------------------------- AI evidence is never outvoted

DEPENDABOT = "49699333+dependabot[bot]@users.noreply.github.com"


def test_an_ai_trailer_under_a_bot_identity_stays_ai_and_the_conflict_is_evidence():
    p = detect(change(message="Bump x\n\nCo-Authored-By: Claude <noreply@anthropic.com>", name="dependabot[bot]",
                      email=DEPENDABOT), RULES)
    assert (p.kind, p.agent) == ("ai", "claude")
    conflict = [e for e in p.evidence if e.signal == "identity-conflict"]
    assert len(conflict) == 1 and conflict[0].agent == "dependabot" and conflict[0].weight == 0
    assert "Co-Authored-By: Claude" in conflict[0].detail and "dependabot" in conflict[0].detail


def test_a_bot_alone_is_still_a_bot_and_has_no_conflict():
    p = detect(change(message="Bump x from 1 to 2", name="dependabot[bot]", email=DEPENDABOT), RULES)
    assert p.kind == "bot" and not any(e.signal == "identity-conflict" for e in p.evidence)


def test_the_conflict_raises_the_risk():
    from triage.risk import RiskInput, score_change

    cfg = load_config().risk
    spoofed = detect(change(message="x\n\nCo-Authored-By: Claude <noreply@anthropic.com>", email=DEPENDABOT), RULES)
    honest = detect(change(message="x\n\nCo-Authored-By: Claude <noreply@anthropic.com>"), RULES)
    a = score_change(RiskInput((), (), spoofed), cfg)
    b = score_change(RiskInput((), (), honest), cfg)
    assert a.score - b.score == cfg.identity_conflict > 0
    assert "identity-conflict" in {f.name for f in a.factors}


# ------------------------------------------------------------- trailers, as git reads them


@pytest.mark.parametrize("message", [
    "Subject\r\n\r\nBody.\r\n\r\nCo-Authored-By: Claude <noreply@anthropic.com>\r\n",  # CRLF
    "Subject\n \t\nCo-Authored-By: Claude <noreply@anthropic.com>\n",  # a whitespace-only separator line
    "Subject\r\n \r\nCo-Authored-By: Claude <noreply@anthropic.com>\r\n",
    "Subject\n\nCo-Authored-By: Claude\n  <noreply@anthropic.com>\n",  # a continuation line, unfolded
    "Subject\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n---\nnotes after the divider\n",
    "Subject\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n# a comment line\n",
    "Subject\n\nprose\nSigned-off-by: A <a@example.com>\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
])
def test_trailers_are_found_where_git_finds_them(message):
    assert ("Co-Authored-By", "Claude <noreply@anthropic.com>") in parse_trailers(message)
    assert detect(change(message=message), RULES).agent == "claude"


@pytest.mark.parametrize("message", [
    "Co-Authored-By: Claude <noreply@anthropic.com>\n",  # the subject is never a trailer
    "Subject\n\nprose\nCo-Authored-By: Claude <noreply@anthropic.com>\n",  # not all trailers, none git's own
    "Subject\n\nl1\nl2\nl3\nl4\nSigned-off-by: A <a@example.com>\n",  # under a quarter trailers
])
def test_no_trailers_where_git_finds_none(message):
    assert parse_trailers(message) == []


ATOMS = ["Subject", "", " ", "\t", "\r", "Co-Authored-By: Claude <noreply@anthropic.com>", "Signed-off-by: A <a@x>",
         "prose words", "  continued", "Key : v", "Key\t: tab", "x y: z", "Key:", ":nokey", "# comment", "---",
         "--- x", "---x", "(cherry picked from commit abc)", "Conflicts:", "\tpath.c", "Ké: v",
         "# ------------------------ >8 ------------------------"]


def _git_can_parse(message: str) -> bool:
    """git 2.39's interpret-trailers loops forever on a scissors line after a ``---`` divider."""
    lines = message.split("\n")
    divider = next((i for i, ln in enumerate(lines) if ln.startswith("---")), None)
    return divider is None or not any(ln.startswith("# -----") for ln in lines[divider:])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=9), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_trailers_match_git_interpret_trailers_parse(tmp_path_factory, lines, newline, final):
    import os
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    message = newline.join(lines) + (newline if final else "")
    if not _git_can_parse(message):
        return
    home = str(tmp_path_factory.getbasetemp())
    env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C"}
    out = subprocess.run([git, "interpret-trailers", "--parse"], input=message.encode(), capture_output=True,
                         env=env, cwd=home, timeout=10, check=True).stdout.decode()
    assert "".join(f"{k}: {v}\n" for k, v in parse_trailers(message)) == out
