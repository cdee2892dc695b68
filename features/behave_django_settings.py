"""The smallest Django project behave-django can run in; the scenarios themselves never touch it.

Why a project of its own: behave-django runs as a Django management command, so it needs settings.
The steps drive the four services as real processes over HTTP (tests/e2e/stack.py), exactly like the
end-to-end test; borrowing one service's settings would bind the journeys to that service's database
and apps for no benefit. The runner in journey_runner.py keeps Django from setting up a test
database: there is none here.
"""

SECRET_KEY = "behave-only-no-secrets-here"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = ["behave_django"]
DATABASES: dict = {}
