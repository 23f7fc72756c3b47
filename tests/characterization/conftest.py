"""Characterization tests: they pin the code's current answers (verdicts, fractions, its own
thresholds) so a change that moves a published answer shows up and must be explained; they are not
validation against an independent reference (that is tests/validation/). See README.md here.
tests/conftest.py marks every test in this folder ``characterization``."""
