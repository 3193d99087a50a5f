"""Composition root: settings, the worker, the embedded stack and the command line."""
