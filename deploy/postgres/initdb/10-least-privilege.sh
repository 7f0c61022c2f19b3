#!/usr/bin/env bash
# Run once by the postgres image when it initialises an empty data directory (docker-entrypoint-initdb.d), as
# POSTGRES_USER: the migrator, owner of the database. Creates the application's account (aftersales_app) with
# APP_DB_PASSWORD and the rights deploy/postgres/least-privilege.sql gives it.
set -euo pipefail
: "${APP_DB_PASSWORD:?set APP_DB_PASSWORD: the password of the application's database account}"
quoted=${APP_DB_PASSWORD//\'/\'\'}
{
  printf "SELECT set_config('aftersales.app_password', '%s', false);\n" "$quoted"
  cat /aftersales/least-privilege.sql
} | psql -v ON_ERROR_STOP=1 --quiet --username "$POSTGRES_USER" --dbname "$POSTGRES_DB"
