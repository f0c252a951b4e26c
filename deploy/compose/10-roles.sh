#!/bin/sh
# Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d), before
# 20-databases.sql: the two login roles of each service (shared/src/shared/db_roles.py). In
# Kubernetes the CloudNativePG Cluster's managed.roles makes the same roles.
set -eu
for service in intake assessment investigation compliance; do
    for kind in migrator runtime; do
        psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
            -v role="${service}_${kind}" -v password="$CASEWORK_ROLE_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS;
SQL
    done
done
