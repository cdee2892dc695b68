#!/bin/sh
# PostgreSQL container init (docker-compose): one database and one owner role per service.
# Runs once, when the data volume is empty. The role password is the container's POSTGRES_PASSWORD
# (local stack only; Kubernetes environments use managed databases and real secrets).
set -eu
for service in catalog accounts orders tasks; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE $service LOGIN PASSWORD '$POSTGRES_PASSWORD';
CREATE DATABASE $service OWNER $service;
SQL
done
