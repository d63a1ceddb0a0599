"""triage: risk-ordered human review of AI-generated code changes (the domain core; never imports textual)."""

__version__ = "0.1.0"
