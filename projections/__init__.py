"""Read models built from the notification logs: fact rows with both times, the figures as of any date,
their lineage, the read model's generations (catch-up, rebuild, switch), the case book, and the report
document (projections.report).

May import domain; the logs they read are handed in.
"""
