"""A minimal Django project for testing ``common`` on its own (service name ``commontest``)."""

import os
import tempfile
from pathlib import Path

from common.settings import build_settings, uses_postgresql

BASE_DIR = Path(__file__).resolve().parent

globals().update(build_settings(service="commontest", base_dir=BASE_DIR, port=8099, apps=[]))
ROOT_URLCONF = "tests.urls"

# The events tests: test-only contracts, handlers and effects, and a consumer started as a subprocess
# that joins the test's namespace and test database (so SQLite tests use a file, not memory).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.events"]  # noqa: F821
EVENT_HANDLERS = "tests.events.handlers.HANDLERS"
EVENTS_NAMESPACE = os.environ.get("EVENTS_NAMESPACE", "")
EVENTS_DELIVERY_LIMIT = int(os.environ.get("EVENTS_DELIVERY_LIMIT", "5"))
EVENTS_RETRY_BACKOFF = float(os.environ.get("EVENTS_RETRY_BACKOFF", "0.2"))
# One test database per run, so concurrent runs of this suite never share (or clobber) one.
if uses_postgresql(DATABASES["default"]):  # noqa: F821
    DATABASES["default"]["TEST"] = {"NAME": f"test_commontest_{os.getpid()}"}  # noqa: F821
else:
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"commontest-{os.getpid()}.sqlite3")}  # noqa: F821
