"""scripts/run_tests.py's second lane: the cross-service suite and the journeys beside the others, on data of
their own."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_tests():
    spec = importlib.util.spec_from_file_location("run_tests", ROOT / "scripts" / "run_tests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_second_lane_gets_databases_a_redis_database_and_end_to_end_names_of_its_own():
    env = _run_tests().lane_2_env(
        {
            "CATALOG_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/catalog",
            "ORDERS_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/orders?sslmode=disable",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672/cosmeticos-test",
        }
    )
    assert env["CATALOG_DATABASE_URL"] == "postgres://postgres@127.0.0.1:5432/catalog_lane2"
    assert env["ORDERS_DATABASE_URL"] == "postgres://postgres@127.0.0.1:5432/orders_lane2?sslmode=disable"
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/1"  # a catalog test's cache.clear() flushes db 0 only
    assert env["RABBITMQ_URL"].endswith("/cosmeticos-test")  # every test names its own exchanges and queues
    assert (env["E2E_PORT_BASE"], env["E2E_DATABASE_PREFIX"], env["E2E_REDIS_DB"]) == ("18800", "e2elane2_", "12")


def test_an_end_to_end_setting_given_by_hand_is_kept_and_embedded_sqlite_is_left_alone():
    env = _run_tests().lane_2_env({"E2E_PORT_BASE": "23000", "CATALOG_DATABASE_URL": "sqlite:///var/catalog.sqlite3"})
    assert env["E2E_PORT_BASE"] == "23000"
    assert env["CATALOG_DATABASE_URL"] == "sqlite:///var/catalog.sqlite3"
    assert "REDIS_URL" not in env
