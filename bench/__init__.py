"""Benchmarks of the portal: ``python -m bench.run`` (see docs/benchmarks.md)."""
