"""Provides the git-only team record: verdicts and escapes carried in git notes.

A team without a forge shares its review record through the repository's own
remote: every record is one JSON line in the git note (``refs/notes/triage``)
of the commit it is about (:mod:`~triage.gitshare.records`); ``triage push
--git`` writes this machine's records there and pushes the ref, ``triage sync
--git`` fetches it, merges it and imports what teammates wrote
(:mod:`~triage.gitshare.exchange`). The notes themselves are read, merged and
moved by :mod:`~triage.gitshare.notes`.
"""
