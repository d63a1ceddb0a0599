"""The Textual app for triage: screens and widgets that display and dispatch."""
