"""``python -m triage.bench``: see :mod:`triage.bench`."""

from triage.bench.run import main

if __name__ == "__main__":
    raise SystemExit(main())
