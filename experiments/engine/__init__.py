"""The task engine: validates experiment descriptions and runs jobs in child processes.

Nothing here imports Django or the rest of ``experiments``.
"""
