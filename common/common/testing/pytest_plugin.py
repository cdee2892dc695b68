"""pytest fixtures every service's tests share (loaded with ``-p common.testing.pytest_plugin``)."""

import pytest


@pytest.fixture(autouse=True)
def _plain_http_test_client(settings):
    """Tests talk plain HTTP to the test client; production redirects to HTTPS at the edge."""
    settings.SECURE_SSL_REDIRECT = False
