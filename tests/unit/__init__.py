"""Tests of pure domain code: no servers, no I/O."""
