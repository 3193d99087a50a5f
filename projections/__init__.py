"""Read models built from the notification logs, with as-of queries and the report's figures."""
