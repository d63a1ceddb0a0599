"""Provides typed configuration tables: check a parsed TOML table against a dataclass, then build it.

A table is a frozen dataclass. Each field's annotation is its type: ``bool``, ``int``,
``float`` (an integer is accepted), ``str``, ``tuple[X, ...]`` for an array,
``dict[str, X]`` for a table of named values, another dataclass for a sub-table,
``X | Y`` for either, ``X | None`` for a key that may be left unset. :func:`spec`
metadata adds what the annotation cannot say: a range, the allowed values or keys, a
regular expression, the TOML name when it is not a Python name.

:func:`check` reports the first wrong value as a one-line :class:`ConfigError`
(``file: [table] key: expected …, got …``) and every unknown table or key to ``warn``;
:func:`build` turns a checked, complete table into the dataclass.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import types
import typing
from functools import lru_cache
from typing import Any, Callable, Iterable

from triage.errors import TriageError

Warn = Callable[[str], None]


class ConfigError(TriageError):
    """A configuration value of the wrong type or out of range: one line naming the file, the key and
    what is expected."""


def spec(*, lo: float | None = None, hi: float | None = None, choices: Iterable | Callable | None = None,
         keys: Iterable | Callable | None = None, regex: bool = False, one_or_list: bool = False,
         nonempty: bool = False, name: str | None = None, what: str | None = None, keys_what: str | None = None,
         internal: bool = False) -> dict:
    """Field metadata for :func:`dataclasses.field`.

    ``lo``/``hi``: inclusive range of a number (of each element of an array). ``choices``: the
    allowed values of a string (or of an array's strings); ``keys``: the allowed keys of a
    ``dict`` field; either may be a function returning them (called when checking). ``regex``:
    a string (or each string) must compile. ``one_or_list``: a single string stands for a
    one-element array. ``name``: the TOML key. ``what``: the expected value in words, replacing
    the generated description (``keys_what``: the same for the keys). ``internal``: not read from any file.
    """
    return {"schema": {"lo": lo, "hi": hi, "choices": choices, "keys": keys, "regex": regex,
                       "one_or_list": one_or_list, "nonempty": nonempty, "name": name, "what": what, "keys_what": keys_what,
                       "internal": internal}}


_PLAIN = spec()["schema"]


def meta(f: dataclasses.Field) -> dict:
    """The :func:`spec` options of a field (all unset when it has none)."""
    return f.metadata.get("schema", _PLAIN)


def toml_name(f: dataclasses.Field) -> str:
    """The key a field is read from."""
    return meta(f)["name"] or f.name


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def fields_of(cls: type) -> list[tuple[str, dataclasses.Field, Any]]:
    """``(toml key, field, type)`` of every key a table may hold, in declaration order."""
    hints = _hints(cls)
    return [(toml_name(f), f, hints[f.name]) for f in dataclasses.fields(cls) if not meta(f)["internal"]]


def _resolve(choices) -> list:
    return list(choices() if callable(choices) else choices)


def _union_args(tp) -> tuple | None:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return typing.get_args(tp)
    return None


def optional(tp) -> bool:
    """True when ``None`` (an unset key) is allowed."""
    args = _union_args(tp)
    return args is not None and type(None) in args


def describe(tp, m: dict = _PLAIN) -> str:
    """The expected value of type ``tp`` in words (``a number from 0 to 1``, ``one of LOW, HIGH``…)."""
    if m["what"]:
        return m["what"]
    args = _union_args(tp)
    if args is not None:
        named = [describe(a, m) for a in args if a is not type(None)]
        return " or ".join(named)
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return "a table"
    if origin is tuple:
        inner = describe(typing.get_args(tp)[0], {**m, "one_or_list": False})
        single = " (or one)" if m["one_or_list"] else ""
        return f"an array of {_plural(inner)}{single}"
    if origin is dict:
        return f"a table of {_plural(describe(typing.get_args(tp)[1], m))}"
    if tp is bool:
        return "true or false"
    if m["choices"] is not None:
        values = _resolve(m["choices"])
        shown = ", ".join(f'"{v}"' for v in values[:8]) + (", …" if len(values) > 8 else "")
        return f"one of {shown}"
    base = {int: "an integer", float: "a number", str: "a non-empty string" if m["nonempty"] else "a string"}[tp]
    if m["regex"]:
        base = "a regular expression"
    lo, hi = m["lo"], m["hi"]
    if lo is not None and hi is not None:
        return f"{base} from {lo:g} to {hi:g}"
    if lo is not None:
        return f"{base} of at least {lo:g}"
    if hi is not None:
        return f"{base} of at most {hi:g}"
    return base


def _plural(words: str) -> str:
    for single, many in (("an integer", "integers"), ("a number", "numbers"), ("a non-empty string", "non-empty strings"),
                         ("a string", "strings"), ("a table", "tables"), ("a regular expression", "regular expressions"),
                         ("true or false", "true or false values")):
        if words.startswith(single):
            return many + words[len(single):]
    return words.replace("one of", "values among", 1) if words.startswith("one of") else words


def shown(value: Any) -> str:
    """A value as it would be written in TOML, shortened (what ``got …`` prints)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:37] + "...")  # escapes control and non-ASCII characters
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    if isinstance(value, (int, float)):
        return repr(value)
    return type(value).__name__


class _Checker:
    def __init__(self, where: str, warn: Warn):
        self.where = where
        self.warn = warn

    def fail(self, label: str, key: str, tp, m: dict, value: Any) -> None:
        at = f"{label} {key}" if label else f"[{key}]"
        why = ""
        if m["regex"] and isinstance(value, str):
            try:
                re.compile(value)
            except (re.error, RecursionError, OverflowError) as exc:
                why = f" (not a valid regular expression: {exc})"
        raise ConfigError(f"{self.where}: {at}: expected {describe(tp, m)}, got {shown(value)}{why}")

    def table(self, cls: type, raw: dict, label: str, partial: bool) -> None:
        known = fields_of(cls)
        names = {k for k, _, _ in known}
        for key in raw:
            if key not in names:
                hint = _did_you_mean(str(key), names)
                what = "table" if isinstance(raw[key], dict) else "key"
                at = f"{label} {key}" if label else f"[{key}]"
                self.warn(f"{self.where}: {at}: unknown {what}; ignored{hint}")
        for key, f, tp in known:
            if key in raw:
                self.value(tp, meta(f), raw[key], label, key, partial)
            elif not partial and not optional(tp) and f.default is dataclasses.MISSING \
                    and f.default_factory is dataclasses.MISSING:
                raise ConfigError(f"{self.where}: {label} {key}: missing; expected {describe(tp, meta(f))}")

    def value(self, tp, m: dict, value: Any, label: str, key: str, partial: bool) -> None:
        args = _union_args(tp)
        if args is not None:
            choices = [a for a in args if a is not type(None)]
            for a in choices:
                if _shape_fits(a, value, m):
                    return self.value(a, m, value, label, key, partial)
            self.fail(label, key, tp, m, value)
        origin = typing.get_origin(tp)
        if dataclasses.is_dataclass(tp):
            if not isinstance(value, dict):
                self.fail(label, key, tp, m, value)
            return self.table(tp, value, _sub(label, key), partial)
        if origin is tuple:
            if m["one_or_list"] and isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                self.fail(label, key, tp, m, value)
            (inner,) = typing.get_args(tp)[:1]
            if dataclasses.is_dataclass(inner) or (_union_args(inner) and any(
                    dataclasses.is_dataclass(a) for a in _union_args(inner))):
                for i, item in enumerate(value, 1):
                    if isinstance(item, dict) and dataclasses.is_dataclass(_pick_dataclass(inner)):
                        self.table(_pick_dataclass(inner), item, _entry(label, key, i), partial=False)
                    else:
                        self.value(inner, {**m, "one_or_list": False}, item, label, key, partial)
                return None
            for item in value:
                if not self._scalar_ok(inner, m, item):
                    self.fail(label, key, tp, m, item if not isinstance(item, (list, dict)) else value)
            return None
        if origin is dict:
            if not isinstance(value, dict):
                self.fail(label, key, tp, m, value)
            inner = typing.get_args(tp)[1]
            allowed = _resolve(m["keys"]) if m["keys"] is not None else None
            sub = _sub(label, key)
            for k, v in value.items():
                if allowed is not None and k not in allowed:
                    hint = _did_you_mean(str(k), [str(a) for a in allowed])
                    raise ConfigError(f"{self.where}: {sub} {k}: expected {m['keys_what'] or 'a known name'} as the "
                                      f"key, got {shown(k)}{hint}")
                inner_m = {**m, "keys": None}
                self.value(inner, inner_m, v, sub, str(k), partial)
            return None
        if not self._scalar_ok(tp, m, value):
            self.fail(label, key, tp, m, value)
        return None

    @staticmethod
    def _scalar_ok(tp, m: dict, value: Any) -> bool:
        if tp is bool:
            return isinstance(value, bool)
        if tp is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif tp is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
        elif tp is str:
            ok = isinstance(value, str) and (not m["nonempty"] or bool(value.strip()))
        else:
            return False
        if not ok:
            return False
        if m["lo"] is not None and value < m["lo"]:
            return False
        if m["hi"] is not None and value > m["hi"]:
            return False
        if m["choices"] is not None and value not in _resolve(m["choices"]):
            return False
        if m["regex"]:
            try:
                re.compile(value)
            except (re.error, RecursionError, OverflowError):
                return False
        return True


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the known name closest to ``name`` (ignoring case), or ""."""
    by_low = {k.lower(): k for k in sorted(known)}
    close = difflib.get_close_matches(name.lower(), list(by_low), n=1)
    return f" (did you mean {by_low[close[0]]}?)" if close else ""


def _sub(label: str, key: str) -> str:
    """The label of sub-table ``key`` of the table labelled ``label``."""
    if not label:
        return f"[{key}]"
    if label.startswith("[") and not label.startswith("[["):
        return f"[{label[1:-1]}.{key}]"
    return f"{label} {key}"


def _entry(label: str, key: str, i: int) -> str:
    """The label of the ``i``-th entry of the array of tables ``key``."""
    if not label:
        return f"[[{key}]] #{i}"
    if label.startswith("[") and not label.startswith("[["):
        return f"[[{label[1:-1]}.{key}]] #{i}"
    return f"{label} {key} #{i}"


def _pick_dataclass(tp):
    args = _union_args(tp)
    if args is None:
        return tp
    return next((a for a in args if dataclasses.is_dataclass(a)), None)


def _shape_fits(tp, value: Any, m: dict) -> bool:
    """Whether ``value`` has the shape of ``tp`` (used to choose a member of a union)."""
    if dataclasses.is_dataclass(tp):
        return isinstance(value, dict)
    origin = typing.get_origin(tp)
    if origin is tuple:
        return isinstance(value, list) or (m["one_or_list"] and isinstance(value, str))
    if origin is dict:
        return isinstance(value, dict)
    if tp is bool:
        return isinstance(value, bool)
    if tp in (int, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, tp)


def check(cls: type, raw: Any, where: str, warn: Warn, *, label: str = "", partial: bool = True) -> None:
    """Check a parsed TOML table against ``cls``.

    Raises :class:`ConfigError` on the first value of the wrong type or out of range (and, when
    not ``partial``, on a missing key); tells ``warn`` about every unknown table or key.
    """
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: {label or 'the file'}: expected a table, got {shown(raw)}")
    _Checker(where, warn).table(cls, raw, label, partial)


def build(cls: type, raw: dict) -> Any:
    """The ``cls`` instance of a checked, complete table (arrays become tuples, numbers of a
    ``float`` key floats)."""
    kwargs = {}
    for key, f, tp in fields_of(cls):
        if key in raw:
            kwargs[f.name] = _convert(tp, raw[key], meta(f))
        elif optional(tp) and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            kwargs[f.name] = None
    return cls(**kwargs)


def _convert(tp, value: Any, m: dict) -> Any:
    args = _union_args(tp)
    if args is not None:
        for a in args:
            if a is not type(None) and _shape_fits(a, value, m):
                return _convert(a, value, m)
        return value
    if dataclasses.is_dataclass(tp):
        return build(tp, value)
    origin = typing.get_origin(tp)
    if origin is tuple:
        if isinstance(value, str):
            value = [value]
        inner = typing.get_args(tp)[0]
        return tuple(_convert(inner, v, m) for v in value)
    if origin is dict:
        inner = typing.get_args(tp)[1]
        return {k: _convert(inner, v, m) for k, v in value.items()}
    if tp is float:
        return float(value)
    return value


def to_toml_dict(obj: Any) -> Any:
    """A built table back as plain TOML values (tuples as lists, unset keys left out)."""
    if dataclasses.is_dataclass(obj):
        out = {}
        for key, f, _tp in fields_of(type(obj)):
            v = getattr(obj, f.name)
            if v is not None:
                out[key] = to_toml_dict(v)
        return out
    if isinstance(obj, tuple):
        return [to_toml_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_toml_dict(v) for k, v in obj.items()}
    return obj
