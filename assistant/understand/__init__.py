"""Question understanding: a question (and the previous turn) in, one typed QueryPlan out."""
