"""The Swagger UI at /api/catalog/docs works with the network unplugged: the service serves its files itself."""

import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db

SCRIPT_OR_STYLE = re.compile(r'<script[^>]*\ssrc="([^"]+)"|<link[^>]*rel="stylesheet"[^>]*\shref="([^"]+)"')


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_docs_page_loads_every_script_and_style_from_the_service_itself(client):
    page = client.get("/api/catalog/docs")
    assert page.status_code == 200
    urls = [script or style for script, style in SCRIPT_OR_STYLE.findall(page.content.decode())]
    names = {PurePosixPath(urlsplit(url).path).name for url in urls}
    assert {"swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"} <= names, urls
    for url in urls:
        assert not urlsplit(url).netloc, f"{url} is fetched from another host"
        response = client.get(url)
        assert response.status_code == 200, url
        assert _body(response), f"{url} is empty"
