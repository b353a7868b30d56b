"""Benchmarks: `python -m bench` runs every bench_*.py here and prints one JSON object per line."""
