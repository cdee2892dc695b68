"""The platform endpoints every service serves (health, readiness, metrics, request ids, docs): the
shared tests of ``common.testing.platform_tests``, collected in this service's project."""

from common.testing.platform_tests import *  # noqa: F403
