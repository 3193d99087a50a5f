"""Orchestration: one durable Temporal workflow per State's engagement. Deterministic; no I/O."""
