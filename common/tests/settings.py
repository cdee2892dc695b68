"""A minimal Django project for testing ``common`` on its own (service name ``commontest``)."""

from pathlib import Path

from common.settings import build_settings

BASE_DIR = Path(__file__).resolve().parent

globals().update(build_settings(service="commontest", base_dir=BASE_DIR, port=8099, apps=[]))
ROOT_URLCONF = "tests.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "tests.events"]  # noqa: F821  (test-only contracts, handlers, effects)
EVENT_HANDLERS = "tests.events.handlers.HANDLERS"
