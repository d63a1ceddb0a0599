"""Provides the logic behind the review screens, by job: no textual, no rich, no repository, no store.

* :mod:`~triage.review.layout`: a change's files as display rows with findings attached;
* :mod:`~triage.review.checklist`: checklist items with their answers;
* :mod:`~triage.review.timer`: time spent on a review;
* :mod:`~triage.review.queue`: the queue filter, search and stats;
* :mod:`~triage.review.outline`: the digest outline and the report's series.

The approval check is :mod:`triage.approval`; loading a change's files is a
use case (:func:`triage.services.changes.load_files`); ages, percentages and
severity order are :mod:`triage.present`. Everything here is testable without
a terminal.
"""
