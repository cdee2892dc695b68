"""Settings of the catalog service: the shared base from ``common.settings`` plus this service's own."""

from pathlib import Path

import environ

from common.settings import build_settings, uses_postgresql

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(
    build_settings(
        service="catalog",
        base_dir=BASE_DIR,
        port=8001,
        apps=[
            "django.contrib.postgres",
            "catalog.products",
            "catalog.inventory",
            "catalog.search",
            "catalog.shopper_activity",
            "catalog.imports",
            "catalog.dashboard",
        ],
    )
)

_env = environ.Env()

# The shopper's hot reads skip the session/CSRF/auth/messages middleware they have no use for
# (catalog.products.middleware); everything else goes down the whole stack.
MIDDLEWARE.insert(  # noqa: F821
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,  # noqa: F821
    "catalog.products.middleware.HotReadMiddleware",
)

# /readyz checks MongoDB too (search logs and browsing history live there).
USES_MONGODB = True
# Short MongoDB timeouts: a MongoDB outage is logged and never slows a page for long.
MONGODB_TIMEOUT_MS = _env.int("MONGODB_TIMEOUT_MS", default=300)
# After a MongoDB failure, skip MongoDB for this many seconds instead of waiting on it per request.
CATALOG_MONGODB_RETRY_SECONDS = _env.int("CATALOG_MONGODB_RETRY_SECONDS", default=30)

# List and detail answers are cached as JSON bytes in Redis when REDIS_URL is set (a per-process
# cache could not be invalidated across gunicorn workers, so there is no cache without Redis).
CATALOG_RESPONSE_CACHE = _env.bool("CATALOG_RESPONSE_CACHE", default=bool(REDIS_URL))  # noqa: F821
CATALOG_RESPONSE_CACHE_SECONDS = _env.int("CATALOG_RESPONSE_CACHE_SECONDS", default=300)

# The planner's cost of a random page read on the catalog's connections (PostgreSQL's default is 4, for
# spinning disks). With 1.1 (SSD, a catalog that fits in memory) a search's count and page use the GIN
# index on search_document instead of a sequential scan (about 3x faster on 30,000 products; checked
# with EXPLAIN by bench/catalog_peer.py on the seeded catalog). Empty: the server's setting.
CATALOG_DATABASE_RANDOM_PAGE_COST = _env.str("CATALOG_DATABASE_RANDOM_PAGE_COST", default="1.1")
if CATALOG_DATABASE_RANDOM_PAGE_COST and uses_postgresql(DATABASES["default"]):  # noqa: F821
    DATABASES["default"]["OPTIONS"]["options"] = f"-c random_page_cost={float(CATALOG_DATABASE_RANDOM_PAGE_COST)}"  # noqa: F821

# Whether a product page's statements stay prepared on the catalog's PostgreSQL connections (parsed and
# planned once per connection, not per request; ``catalog.products.fast_reads.PreparedReads`` says which
# statements and why). Django turns psycopg's preparing off for connection poolers in transaction mode;
# the catalog connects to PostgreSQL directly, and Django's own cursors (client-side binding) never
# prepare whatever this says. Off: nothing is prepared.
CATALOG_DATABASE_PREPARED_READS = _env.bool("CATALOG_DATABASE_PREPARED_READS", default=True)
if CATALOG_DATABASE_PREPARED_READS and uses_postgresql(DATABASES["default"]):  # noqa: F821
    # Any number turns preparing on; every fast-path statement says prepare=True or prepare=False itself.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5  # noqa: F821

# CSV imports with more rows than this are queued as an ImportJob for `run_import_jobs`.
CATALOG_IMPORT_SYNC_MAX_ROWS = _env.int("CATALOG_IMPORT_SYNC_MAX_ROWS", default=500)
# The admin home lists the unblocked lots expiring within this many days.
CATALOG_DASHBOARD_EXPIRY_DAYS = _env.int("CATALOG_DASHBOARD_EXPIRY_DAYS", default=120)
# A lot is sold while its expiry is at least this many days away (a category may say otherwise).
CATALOG_MIN_SHELF_LIFE_DAYS = _env.int("CATALOG_MIN_SHELF_LIFE_DAYS", default=90)

# Admin single sign-on with accounts' staff users (accounts' JWT login), then local users.
AUTHENTICATION_BACKENDS = [
    "common.auth.backends.AccountsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
