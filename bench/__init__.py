"""Benchmarks: run ``./bench/run``; see ``bench/__main__.py``."""
