"""The event store's adapters: pydantic events as JSON with upcasting, the recorders that write the audit
chain's links in the same transaction as each event (SQLite and PostgreSQL), notification logs, and the
application base that all applications share.

May import domain.
"""
