"""Benchmarks of Palermo, each against a baseline measured in the same run (`python -m bench.all`)."""
