#!/usr/bin/env bash
# Prepares every service for command 1: .env from .env.example, migrations, demo accounts and data.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for service in catalog accounts orders tasks; do
  dir="$root/${service}_service"
  [ -f "$dir/.env" ] || cp "$dir/.env.example" "$dir/.env"
  echo "[setup] migrating $service"
  (cd "$dir" && python manage.py migrate --noinput -v 0)
done
