"""The corpus holds analysis inputs, not tests: pytest must not collect them."""

collect_ignore_glob = ["*"]
