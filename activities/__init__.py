"""The side effects: eventsourcing applications and the Temporal activities that run one command each."""
