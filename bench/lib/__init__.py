"""Helpers of the performance harness (``bench/run.py``): environment, processes, load tools, statistics."""
