"""Tests of Palermo, grouped by the infrastructure they need."""
