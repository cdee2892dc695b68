"""Product images on an S3 bucket (``MEDIA_STORAGE=s3``), as production stores them: the upload and its
thumbnail become objects under ``catalog/`` in the bucket, and the API's URLs point at the media domain.

The bucket is served by a real S3-protocol server on loopback (moto's server, a dev dependency) that this
test starts and stops; boto3 talks HTTP to it exactly as it would to AWS."""

import io
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import environ
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.products.images import product_image_save
from catalog.products.models import Product, ProductImage
from common.settings import _media_storage

pytestmark = pytest.mark.django_db

BUCKET = "cosmeticos-media-test"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "sa-east-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_server(monkeypatch, tmp_path):
    port = _free_port()
    server_bin = Path(sys.executable).with_name("moto_server")
    log = (tmp_path / "moto.log").open("wb")
    process = subprocess.Popen([str(server_bin), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="sa-east-1")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "sa-east-1"})
    yield endpoint, client
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _png(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 60, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile("batom.png", buffer.getvalue(), content_type="image/png")


def test_an_upload_lands_in_the_bucket_with_its_thumbnail_and_the_api_links_the_media_domain(
    settings, monkeypatch, s3_server, client, catalog_data
):
    endpoint, s3 = s3_server
    for name, value in {
        "MEDIA_STORAGE": "s3",
        "MEDIA_BUCKET": BUCKET,
        "MEDIA_REGION": "sa-east-1",
        "MEDIA_ENDPOINT_URL": endpoint,
        "MEDIA_CUSTOM_DOMAIN": "media.cosmeticos.test",
    }.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": _media_storage(environ.Env(), "catalog")}

    product = Product.objects.get(slug="hidratante-facial")
    image = product_image_save(image=ProductImage(product=product, file=_png(800, 600), alt_text="Pote", position=0))

    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert len(keys) == 2 and all(key.startswith("catalog/") for key in keys)
    thumbnail_key = next(key for key in keys if key.endswith("-thumb.jpg"))
    with Image.open(io.BytesIO(s3.get_object(Bucket=BUCKET, Key=thumbnail_key)["Body"].read())) as thumb:
        assert thumb.size == (320, 240)
    assert (image.width, image.height) == (800, 600)
    assert image.url.startswith("https://media.cosmeticos.test/catalog/") and "Signature" not in image.url
    assert image.thumbnail_url == f"https://media.cosmeticos.test/{thumbnail_key}"

    detail = client.get(f"/api/catalog/products/{product.slug}").json()
    assert {"url": image.url, "thumbnail_url": image.thumbnail_url, "alt": "Pote", "width": 800, "height": 600} in (
        detail["images"]
    )


def test_a_second_upload_of_the_same_name_never_overwrites_the_first(settings, monkeypatch, s3_server, catalog_data):
    endpoint, s3 = s3_server
    monkeypatch.setenv("MEDIA_STORAGE", "s3")
    monkeypatch.setenv("MEDIA_BUCKET", BUCKET)
    monkeypatch.setenv("MEDIA_ENDPOINT_URL", endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": _media_storage(environ.Env(), "catalog")}
    product = Product.objects.get(slug="hidratante-facial")
    first = product_image_save(image=ProductImage(product=product, file=_png(400, 400), position=0))
    second = product_image_save(image=ProductImage(product=product, file=_png(500, 500), position=1))
    assert first.file.name != second.file.name
    assert len(s3.list_objects_v2(Bucket=BUCKET)["Contents"]) == 4


@pytest.mark.parametrize(
    ("environment", "message"),
    [({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be one of"), ({"MEDIA_STORAGE": "gcs"}, "needs MEDIA_BUCKET")],
)
def test_a_wrong_media_storage_setting_stops_the_service_at_start(monkeypatch, environment, message):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MEDIA_BUCKET", raising=False)
    with pytest.raises(ValueError, match=message):
        _media_storage(environ.Env(), "catalog")


def test_gcs_is_the_google_cloud_backend_on_the_named_bucket(monkeypatch):
    monkeypatch.setenv("MEDIA_STORAGE", "gcs")
    monkeypatch.setenv("MEDIA_BUCKET", "cosmeticos-media")
    monkeypatch.setenv("MEDIA_CUSTOM_DOMAIN", "media.cosmeticos.co")
    storage = _media_storage(environ.Env(), "catalog")
    assert storage["BACKEND"] == "storages.backends.gcloud.GoogleCloudStorage"
    assert storage["OPTIONS"]["bucket_name"] == "cosmeticos-media" and storage["OPTIONS"]["location"] == "catalog"
    assert storage["OPTIONS"]["custom_endpoint"] == "https://media.cosmeticos.co"
