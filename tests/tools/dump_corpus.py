"""Dump the rules' findings on the labelled corpus, with several choices of added lines, to compare two versions.

    python tests/tools/dump_corpus.py [--out FILE]

Each case of ``tests/corpus/index.toml`` is analysed as a one-file change
several times: with every line added (as ``python -m triage.eval`` does), with
each line that a label names added alone, and with blocks of lines added
(every other run of 3 lines, of 7 lines). One JSON line per finding (case,
which added lines, path, line, rule, severity, message, suppression), sorted,
then a digest. Two versions of the analysis whose digests match reported the
same findings on the added lines.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from triage.eval import DEFAULT_CORPUS, _context, load_index
from triage.rules import SourceFile, analyze


def added_sets(text: str, labelled: list[int]) -> list[tuple[str, frozenset[int]]]:
    """The choices of added lines each case is analysed with."""
    n = text.count("\n") + 1
    out = [("all", frozenset(range(1, n + 1)))]
    out += [(f"line {k}", frozenset({k})) for k in sorted(set(labelled)) if 1 <= k <= n]
    for width in (3, 7):
        for phase in (0, 1):
            out.append((f"blocks {width}/{phase}",
                        frozenset(k for k in range(1, n + 1) if ((k - 1) // width) % 2 == phase)))
    return out


def dump(corpus: Path | None = None) -> list[str]:
    """One JSON line per finding of every case under every choice of added lines, sorted."""
    corpus = Path(corpus or DEFAULT_CORPUS)
    out: list[str] = []
    for case in load_index(corpus):
        data = (corpus / case.file).read_bytes()
        text = data.decode("utf-8", "replace")
        for label, added in added_sets(text, [line for _rule, line in case.expect]):
            src = SourceFile(path=case.path, text=text, added_lines=added)
            for f in analyze([src], _context(corpus, case, data)):
                out.append(json.dumps([case.file, label, f.path, f.line, f.rule, f.severity, f.message,
                                       f.suppressed, f.suppressed_by]))
    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out")
    p.add_argument("--corpus")
    a = p.parse_args(argv)
    lines = dump(Path(a.corpus) if a.corpus else None)
    text = "\n".join(lines) + "\n"
    if a.out:
        Path(a.out).write_text(text)
    print(f"{len(lines)} findings, sha256 {hashlib.sha256(text.encode()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
