"""Orchestration: one durable Temporal workflow per State's engagement, its client, and the command table
(workflows.commands) from which its updates and signals, and every front door's commands, are made.

Deterministic: no clock, randomness, database or network. May import domain, and activity signatures.
"""
