"""Typed configuration: every key of the schema is checked, and a wrong value is one line naming
the file, the table and the key; the CLI exits 2 on it (the gate too), never with a traceback."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitrepo import RepoBuilder
from triage import schema
from triage.cli import main
from triage.config import check_user_file, config_with, load_config, shipped_defaults
from triage.schema import ConfigError
from triage.settings import Config

# ----------------------------------------------------------------- every key of the schema


def _entry_sample(cls) -> dict:
    """A valid entry of an array of tables, with every key set."""
    return {"SizeBand": {"lines": 5, "points": 1},
            "PathCategory": {"category": "new-one", "pattern": "x", "points": 1},
            "Agent": {"id": "new-agent", "name": "N", "kind": "ai", **{f: ["x"] for f in (
                "trailer_emails", "trailer_domains", "trailer_keys", "emails", "email_domains", "bot_logins",
                "branch_prefixes", "footers", "labels", "name_suffixes")}},
            "Member": {"name": "zed", "emails": ["z@example.com"], "logins": ["zed"]}}[cls.__name__]


def _array_entry_class(tp):
    if typing.get_origin(tp) is tuple:
        inner = typing.get_args(tp)[0]
        args = typing.get_args(inner) or (inner,)
        return next((a for a in args if dataclasses.is_dataclass(a)), None)
    return None


def schema_keys(cls=Config, path=()):
    """``(path, type, label, key)`` of every key: a path of table names and the key, plus, for a key
    of an array-of-tables entry, the entry's class (its path ends at the array)."""
    out = []
    for key, f, tp in schema.fields_of(cls):
        label = f"[{'.'.join(path)}]" if path else ""
        out.append(((*path, key), (tp, schema.meta(f)), label, key, None))
        if dataclasses.is_dataclass(tp):
            out += schema_keys(tp, (*path, key))
        entry = _array_entry_class(tp)
        if entry is not None:
            for ekey, ef, etp in schema.fields_of(entry):
                out.append(((*path, key), (etp, schema.meta(ef)), f"[[{'.'.join((*path, key))}]] #1", ekey, entry))
    return out


KEYS = schema_keys()


def test_the_schema_covers_every_key_of_the_shipped_defaults():
    """Every key written in data/rules.toml and data/provenance.toml is in the schema (and the
    shipped files pass their own check, with no unknown key)."""
    said = []
    cfg = shipped_defaults()
    check_user_file(cfg, "defaults", said.append)
    assert said == []
    named = {p for p, *_ in KEYS}

    def walk(table, path=()):
        for k, v in table.items():
            assert (*path, k) in named, (*path, k)
            if isinstance(v, dict) and (*path, k) not in {("risk", "floors"), ("keymap",), ("team", "capacity")}:
                walk(v, (*path, k))

    walk(cfg)


def _fits(typed, value) -> bool:
    """Whether ``value`` has the TOML type asked for (the test's own reading of the types)."""
    tp, meta = typed
    if meta["one_or_list"] and isinstance(value, str):
        return True
    return _fits_type(tp, value)


def _fits_type(tp, value) -> bool:
    args = typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, __import__("types").UnionType) else None
    if args:
        return any(_fits_type(a, value) for a in args if a is not type(None))
    if dataclasses.is_dataclass(tp) or typing.get_origin(tp) is dict:
        return isinstance(value, dict)
    if typing.get_origin(tp) is tuple:
        return isinstance(value, list)
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is str:
        return isinstance(value, str)
    raise AssertionError(tp)


toml_scalars = (st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
                | st.text(max_size=12) | st.datetimes(min_value=dt.datetime(1970, 1, 1)) | st.dates())
toml_values = st.recursive(toml_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3), max_leaves=6)


def _user_file(path, key, value, entry):
    """The smallest reviewer's file that sets ``key`` (in the table ``path``, or in one entry of
    the array of tables ``path``) to ``value``."""
    if entry is not None:
        leaf = [{**_entry_sample(entry), key: value}]
        keys = path
    else:
        leaf, keys = value, path
    raw = leaf
    for name in reversed(keys):
        raw = {name: raw}
    return raw


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_wrong_typed_value_in_any_key_is_a_config_error_naming_that_key(data):
    path, tp, label, key, entry = data.draw(st.sampled_from(KEYS), label="key")
    value = data.draw(toml_values.filter(lambda v: not _fits(tp, v)), label="value")
    # a table given where a table of values is expected, or a list in a one-or-list key, may fit
    raw = _user_file(path, key, value, entry)
    with pytest.raises(ConfigError) as err:
        config_with(raw)
    line = str(err.value)
    assert "\n" not in line
    at = f"{label} {key}:" if label else f"[{key}]:"
    assert line.startswith(f"overrides: {at}"), line
    assert "expected" in line and "got" in line


@pytest.mark.parametrize("raw, says", [
    ({"sampling": {"rates": {"LOW": 5}}}, "[sampling.rates] LOW: expected a number from 0 to 1, got 5"),
    ({"sampling": {"rates": {"HIGH": -0.1}}}, "[sampling.rates] HIGH: expected a number from 0 to 1, got -0.1"),
    ({"risk": {"thresholds": {"HIGH": "thirty"}}}, '[risk.thresholds] HIGH: expected a number of at least 0, got "thirty"'),
    ({"risk": {"thresholds": 5}}, "[risk] thresholds: expected a table, got 5"),
    ({"rules": {"disabled": ["no-such-rule"]}}, '[rules] disabled: expected an array of rule ids'),
    ({"rules": {"enabled": ["eval-exec", "typo-rule"]}}, 'got "typo-rule"'),
    ({"risk": {"floors": {"no-such-rule": "HIGH"}}}, '[risk.floors] no-such-rule: expected a rule id as the key'),
    ({"risk": {"floors": {"eval-exec": "SEVERE"}}}, '[risk.floors] eval-exec: expected one of "LOW"'),
    ({"gate": {"blocked": ["critical"]}}, '[gate] blocked: expected an array of values among "LOW"'),
    ({"gate": {"hold_sampled": "yes"}}, '[gate] hold_sampled: expected true or false, got "yes"'),
    ({"provenance": {"threshold": 0}}, "[provenance] threshold: expected an integer of at least 1, got 0"),
    ({"provenance": {"agents": [{"id": "x", "kind": "robot"}]}}, '[[provenance.agents]] #1 kind: expected one of'),
    ({"risk": {"paths": [{"category": "x", "points": 3, "pattern": "("}]}},
     "pattern: expected a regular expression, got \"(\" (not a valid regular expression"),
    ({"forge": {"review_label": ""}}, "[forge] review_label: expected a non-empty string"),
    ({"risk": {"thresholds": {"HIGH": 10}}}, "[risk.thresholds]: expected MEDIUM ≤ HIGH ≤ CRITICAL, got 15, 10, 60"),
])
def test_out_of_range_values_say_what_is_expected(raw, says):
    with pytest.raises(ConfigError, match=re.escape(says)):
        config_with(raw)


def test_unknown_tables_and_keys_are_warned_about_and_ignored(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('[risk]\nthreshold = 3\n[bogus]\nx = 1\n[sampling.rates]\nLOW = 0.2\nlow = 0.3\n')
    monkeypatch.setenv("TRIAGE_CONFIG", str(path))
    said = []
    cfg = load_config(warn=said.append)
    assert cfg.sampling.rates.LOW == 0.2
    assert sorted(said) == [f"{path}: [bogus]: unknown table; ignored",
                            f"{path}: [risk] threshold: unknown key; ignored (did you mean thresholds?)",
                            f"{path}: [sampling.rates] low: unknown key; ignored (did you mean LOW?)"]


# ----------------------------------------------------------------- the command line


@pytest.fixture
def repo(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    b.commit({"README.md": "x\n"}, "base")
    # an AI change with a hidden bidi character: CRITICAL, so the gate blocks it (exit 2)
    b.commit({"app/x.py": "ok = 1  # \u202e\n"}, "add x\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    return b


def _use(tmp_path, monkeypatch, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    monkeypatch.setenv("TRIAGE_CONFIG", str(path))
    return path


BAD = [
    ('[risk.thresholds]\nHIGH = "thirty"\n', '[risk.thresholds] HIGH: expected a number of at least 0, got "thirty"'),
    ("[risk]\nthresholds = 5\n", "[risk] thresholds: expected a table, got 5"),
    ("[sampling.rates]\nLOW = 5\n", "[sampling.rates] LOW: expected a number from 0 to 1, got 5"),
    ('[rules]\ndisabled = ["not-a-rule"]\n', '[rules] disabled: expected an array of rule ids'),
]


@pytest.mark.parametrize("text, says", BAD)
@pytest.mark.parametrize("command", ["gate", "ingest"])
def test_a_bad_value_is_one_line_and_exit_2(repo, tmp_path, monkeypatch, capsys, command, text, says):
    path = _use(tmp_path, monkeypatch, text)
    args = ["gate", "--repo", str(repo.path)] if command == "gate" else \
        ["ingest", "--repo", str(repo.path), "--db", str(tmp_path / "t.db")]
    assert main(args) == 2
    out = capsys.readouterr()
    assert out.err == f"triage: error: {path}: {says}" + out.err.split(says, 1)[1]
    assert out.err.count("\n") == 1 and "Traceback" not in out.err


def test_ingest_with_workers_reports_a_bad_value_before_any_worker_starts(repo, tmp_path, monkeypatch, capsys):
    """The configuration is checked and built in the parent; workers get the built one, so no worker
    can fail on it (no ``_RemoteTraceback``)."""
    import triage.ingest

    monkeypatch.setattr(triage.ingest, "PARALLEL_MIN", 1)
    path = _use(tmp_path, monkeypatch, '[risk.thresholds]\nHIGH = "thirty"\n')
    assert main(["ingest", "--repo", str(repo.path), "--db", str(tmp_path / "t.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"triage: error: {path}: [risk.thresholds] HIGH") and err.count("\n") == 1


def test_the_gate_still_blocks_with_only_a_warning(repo, tmp_path, monkeypatch, capsys):
    _use(tmp_path, monkeypatch, "[gate]\nblockd = []\n")
    assert main(["gate", "--repo", str(repo.path)]) == 2
    out = capsys.readouterr()
    assert "blocked" in out.out
    assert out.err.strip().endswith("[gate] blockd: unknown key; ignored (did you mean blocked?)")


def test_demo_reports_a_bad_config_on_one_line(tmp_path, monkeypatch, capsys):
    path = _use(tmp_path, monkeypatch, "[sampling.rates]\nLOW = 5\n")
    assert main(["demo", "--no-tui", "--dir", str(tmp_path / "demo")], open_tui=None) == 2
    err = capsys.readouterr().err
    assert err == f"triage: error: {path}: [sampling.rates] LOW: expected a number from 0 to 1, got 5\n"


def test_the_app_is_not_opened_on_a_bad_config(tmp_path, monkeypatch, capsys):
    path = _use(tmp_path, monkeypatch, "[gate]\nhold_sampled = 1\n")
    opened = []
    assert main(["review", "--db", str(tmp_path / "t.db")], open_tui=lambda **kw: opened.append(kw) or 0) == 2
    assert opened == []
    assert capsys.readouterr().err == f"triage: error: {path}: [gate] hold_sampled: expected true or false, got 1\n"


# ----------------------------------------------------------------- a committed .triage.toml


@pytest.mark.parametrize("toml", [
    '[risk.thresholds]\nHIGH = "thirty"\n',
    "[risk]\nthresholds = 5\n",
    '[sampling.rates]\nCRITICAL = 0\n',
    '[[risk.paths]]\ncategory = "x"\npoints = "many"\npattern = "x"\n',
    '[[provenance.agents]]\nid = 5\n',
    "[[risk.paths]]\n[[risk.paths]]\n",
    'risk = "x"\n',
])
def test_a_bad_committed_repo_config_never_unblocks_the_gate(tmp_path, monkeypatch, capsys, toml):
    """A ``.triage.toml`` on the trusted branch with wrong values: each is a one-line warning, the
    change keeps its exit code (2, blocked) and nothing crashes."""
    b = RepoBuilder(tmp_path / "r")
    b.commit({"README.md": "x\n", ".triage.toml": toml}, "config")
    b.commit({"app/x.py": "ok = 1  # \u202e\n"}, "add x\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    _use(tmp_path, monkeypatch, '[trust]\nref = "main"\n')
    assert main(["gate", "--repo", str(b.path)]) == 2
    out = capsys.readouterr()
    assert "blocked" in out.out and "Traceback" not in out.err
    lines = out.err.strip().splitlines()
    assert lines and all(line.startswith("triage: warning: .triage.toml at main (") for line in lines), out.err
