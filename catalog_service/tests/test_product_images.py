"""Product images uploaded in the admin: stored through the storage API, measured and thumbnailed once at
upload, shown in the API with their sizes and as a thumbnail column in the product list."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.products.models import Product, ProductImage, Variant
from tests.admin_pages import form_as_loaded

pytestmark = pytest.mark.django_db


def _png(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 126)).save(buffer, format="PNG")
    return SimpleUploadedFile("rose.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _change_page(admin_client, product):
    url = f"/admin/products/product/{product.pk}/change/"
    return url, form_as_loaded(admin_client.get(url))


def test_an_uploaded_image_gets_its_size_and_one_thumbnail_and_the_api_shows_them(admin_client, catalog_data, media):
    product = Product.objects.get(slug="hidratante-facial")
    ProductImage.objects.filter(product=product).delete()  # the upload is its first photo
    shade = Variant.objects.filter(product=product).first()
    url, data = _change_page(admin_client, product)
    rows = int(data["images-TOTAL_FORMS"])
    data.update(
        {
            "images-TOTAL_FORMS": str(rows + 1),
            f"images-{rows}-product": str(product.pk),
            f"images-{rows}-alt_text": "Pote do hidratante",
            f"images-{rows}-position": "0",
            f"images-{rows}-variant": str(shade.pk),
            f"images-{rows}-file": _png(1200, 900),
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    image = ProductImage.objects.get(product=product, alt_text="Pote do hidratante")
    assert (image.width, image.height, image.variant) == (1200, 900, shade)
    assert image.url.startswith("/media/") and image.thumbnail_url.endswith("-thumb.jpg")
    with Image.open(media / image.thumbnail.name) as thumb:
        assert thumb.size == (320, 240)
    assert (media / image.file.name).exists()
    served = admin_client.get(image.thumbnail_url)
    assert served.status_code == 200 and b"".join(served.streaming_content)[:2] == b"\xff\xd8"  # a JPEG

    detail = admin_client.get(f"/api/catalog/products/{product.slug}").json()
    assert {
        "url": image.url,
        "thumbnail_url": image.thumbnail_url,
        "alt": "Pote do hidratante",
        "width": 1200,
        "height": 900,
    } in detail["images"]
    listing = admin_client.get("/admin/products/product/").content.decode()
    assert f'<img src="{image.thumbnail_url}"' in listing


def test_a_file_that_is_no_image_or_an_empty_row_is_a_form_error(admin_client, catalog_data, media):
    product = Product.objects.get(slug="hidratante-facial")
    url, data = _change_page(admin_client, product)
    rows = int(data["images-TOTAL_FORMS"])
    base = {
        "images-TOTAL_FORMS": str(rows + 1),
        f"images-{rows}-product": str(product.pk),
        f"images-{rows}-position": "0",
        f"images-{rows}-alt_text": "x",
    }
    bad = SimpleUploadedFile("nota.png", b"not an image", content_type="image/png")
    response = admin_client.post(url, {**data, **base, f"images-{rows}-file": bad})
    assert response.status_code == 200
    response = admin_client.post(url, {**data, **base})
    assert "Envie um arquivo ou informe a URL da foto." in response.content.decode()
    assert not ProductImage.objects.filter(product=product, alt_text="x").exists()
