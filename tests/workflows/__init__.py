"""Workflow tests on the Temporal time-skipping server."""
