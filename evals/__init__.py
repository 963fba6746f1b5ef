"""Measure the assistant: completeness, precision, grounding and abstention on a hand-labelled set."""
