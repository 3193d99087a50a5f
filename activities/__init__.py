"""The side effects: the eventsourcing applications (engagements, treaties, outreach, users, request keys),
the participants directory and the Temporal activities that run one command each.

May import domain. The event store's adapters (mapper, chained recorders, logs) are in activities.store.
"""
