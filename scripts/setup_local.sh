#!/usr/bin/env bash
# Prepares every service for command 1: .env from .env.example, migrations, demo accounts and data.
# Safe to run again: every step is idempotent. An existing .env is kept as it is. The tests never read
# these .env files (common.settings.read_dotenv): they are command 1's configuration only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install_protocol_servers.sh"
mkdir -p "$root/var/mongo" "$root/var/log"
for service in catalog accounts orders tasks; do
  dir="$root/${service}_service"
  # The MongoDB-protocol server of the Procfile listens on RUN_MONGODB_PORT (27021 unless set).
  [ -f "$dir/.env" ] || sed "s|127.0.0.1:27021/|127.0.0.1:${RUN_MONGODB_PORT:-27021}/|" "$dir/.env.example" >"$dir/.env"
  echo "[setup] migrating $service"
  (cd "$dir" && python manage.py migrate --noinput -v 0)
done
echo "[setup] demo merchandiser (signs in to every service's admin)"
(cd "$root/accounts_service" && python manage.py create_merchandiser demo@cosmeticos.co \
  --password demo-cosmeticos-2026 --full-name "Demo Merchandiser" --superuser)
echo "[setup] demo catalog"
(cd "$root/catalog_service" && python manage.py seed_catalog)
echo "[setup] Beat schedules"
(cd "$root/tasks_service" && python manage.py setup_periodic_tasks)
