"""Benchmarks that print figures and ratios: ``python -m bench`` runs them all, ``python -m bench
NAME [options]`` one of them. A benchmark is any module here with a ``main`` function; ``main`` may
take the remaining command-line arguments (a sequence of strings)."""
