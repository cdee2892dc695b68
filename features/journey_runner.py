"""The behave-django test runner for journeys over HTTP: no test database, no per-scenario transaction.

behave-django's ``--simple`` runner still wraps each scenario in a database transaction, and its
default runner starts a live server on a test database; the journeys need neither (they drive the
real services of tests/e2e/stack.py), so this runner skips the database setup altogether.
"""

from __future__ import annotations

from behave_django.environment import BehaveHooksMixin
from behave_django.testcase import PreventTestExecutionMixin
from django.test import SimpleTestCase
from django.test.runner import DiscoverRunner


class JourneyTestCase(PreventTestExecutionMixin, SimpleTestCase):
    """Attached to each scenario by behave-django; it runs nothing and touches no database."""


class HttpJourneyRunner(DiscoverRunner, BehaveHooksMixin):
    testcase_class = JourneyTestCase

    def setup_databases(self, **kwargs):
        return None

    def teardown_databases(self, old_config, **kwargs):
        return None
