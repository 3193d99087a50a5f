"""The pre-ratification engagement: values, rules, commands, events, aggregates. Pure: no I/O, no clock.

May import the standard library, pydantic and eventsourcing.domain; nothing else of ours or anyone's.
"""
