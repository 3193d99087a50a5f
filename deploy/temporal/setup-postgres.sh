#!/bin/sh
# Creates Temporal's two databases in temporal-db and brings their schemas up to date. Safe to run on every
# `docker compose up`: a database or schema already there is kept, and update-schema only moves forward.
# Runs in temporalio/admin-tools, with the password in SQL_PASSWORD.
set -eu

sql() {
    temporal-sql-tool --plugin postgres12 --ep temporal-db -p 5432 -u temporal "$@"
}

schemas=/etc/temporal/schema/postgresql/v12
for db in temporal temporal_visibility; do
    if [ "$db" = temporal ]; then kind=temporal; else kind=visibility; fi
    sql --db "$db" create || echo "database $db is there already"
    sql --db "$db" setup-schema -v 0.0 || echo "schema versioning of $db is there already"
    sql --db "$db" update-schema -d "$schemas/$kind/versioned"
done
echo "Temporal's schemas are up to date"
