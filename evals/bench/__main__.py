"""`python -m evals.bench`: the bench command before it is registered under `policy-assistant`."""

from evals.bench.command import bench_command

bench_command()
