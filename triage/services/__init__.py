"""Provides the use cases: one function each, called by the CLI and by the app alike.

A service opens nothing on its own account and draws nothing: it takes a
:class:`triage.store.Store` (and the configuration it needs), applies the
domain rules (:mod:`triage.deepdive`, :mod:`triage.rotation`, …), lets the
store write, and returns plain values. The CLI prints them; the app shows
them. Modules: :mod:`~triage.services.verdicts` (record a verdict and plan its
posts, escalate, undo, review time), :mod:`~triage.services.team` (the roster,
hand-over, assign), :mod:`~triage.services.changes` (show, gate, load a change's
files, the queue's facets), :mod:`~triage.services.reports` (the queue, the digest
and marking it read, the controls report), :mod:`~triage.services.ingest` (ingest a
repository's history).
"""
