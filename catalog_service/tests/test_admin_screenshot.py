"""The product admin in headless Chromium (Debian's package, driven by Playwright): a product with an
uploaded photo and two shades shows the photo's thumbnail and a swatch of each shade's colour. The
screenshot is kept in ``var/screenshots/`` as an artifact."""

import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import sync_playwright

from catalog.products.images import product_image_save
from catalog.products.models import Brand, Category, Product, ProductImage, ProductType, Variant

CHROMIUM = "/usr/bin/chromium"
SHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "product-admin.png"


@pytest.fixture
def chromium():
    """Debian's chromium (Playwright starts it only after the test's database work: its event loop
    makes the thread async, where Django refuses database calls)."""
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh")
        pytest.skip("needs Debian's chromium: scripts/ensure_chromium.sh")
    return CHROMIUM


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 120, 126)).save(buffer, format="PNG")
    return SimpleUploadedFile("batom.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_product_admin_shows_the_thumbnail_and_a_swatch_per_shade(
    chromium, live_server, admin_user, client, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    product = Product.objects.create(
        name="Batom Cremoso",
        slug="batom-cremoso",
        brand=Brand.objects.create(slug="b", name="Bella"),
        category=Category.objects.create(slug="c", name="Batons"),
        product_type=ProductType.objects.create(slug="t", name="Batom"),
    )
    for sku, name, colour in [("BC-01", "Rubi", "#9B111E"), ("BC-02", "Nude", "#E3BC9A")]:
        Variant.objects.create(product=product, sku=sku, name=name, shade_hex=colour, price=Decimal("39.90"))
    image = product_image_save(image=ProductImage(product=product, file=_photo(), alt_text="Batom Cremoso"))

    client.force_login(admin_user)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    url = f"{live_server.url}/admin/products/product/{product.pk}/change/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            _check_the_page(browser, url, cookie, host, image.thumbnail_url)
        finally:
            browser.close()


def _check_the_page(browser, url: str, cookie: str, host: str, thumbnail_url: str) -> None:
    # The services sit behind a TLS proxy (SECURE_SSL_REDIRECT): say the request came through it.
    # locale: the admin answers in the browser's language (LocaleMiddleware); merchandisers read pt-BR.
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000},
        extra_http_headers={"X-Forwarded-Proto": "https"},
        locale="pt-BR",
    )
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "domain": host, "path": "/"}])
    page = context.new_page()
    page.goto(url)

    thumbnail = page.locator(f'img[src="{thumbnail_url}"]').first
    thumbnail.wait_for()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 320  # the thumbnail, loaded
    swatches = page.locator('.shade-swatch[title^="#"]')
    assert swatches.count() == 2
    colours = [swatches.nth(n).evaluate("e => getComputedStyle(e).backgroundColor") for n in range(2)]
    assert colours == ["rgb(155, 17, 30)", "rgb(227, 188, 154)"]
    assert page.locator('input[type="color"].shade-picker').count() >= 2

    SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOT), full_page=True)
    assert SHOT.stat().st_size > 10_000
    context.close()
