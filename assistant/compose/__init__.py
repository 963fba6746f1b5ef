"""Composing answers: from a QueryPlan and the executor's Result to text with checked row citations."""
