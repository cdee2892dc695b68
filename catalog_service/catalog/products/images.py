"""Product images: an upload is measured and its thumbnail made once, at upload, through Django's
storage API (the filesystem under ``MEDIA_ROOT`` on the embedded defaults; S3 or GCS when production
settings configure ``STORAGES["default"]``). The API's ``url``, ``thumbnail_url``, ``width`` and
``height`` are stored on the row, so a product page never asks the storage for anything.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from catalog.products.models import ProductImage

THUMBNAIL_SIZE = (320, 320)
MAX_PIXELS = 40_000_000


def _measure_and_thumbnail(source) -> tuple[tuple[int, int], bytes]:
    try:
        with Image.open(source) as picture:
            picture.load()
            if picture.width * picture.height > MAX_PIXELS:
                raise ValidationError(_("The image is too large (at most 40 megapixels)."), code="image_too_large")
            size = picture.size
            thumb = picture.convert("RGB")
            thumb.thumbnail(THUMBNAIL_SIZE)
            buffer = io.BytesIO()
            thumb.save(buffer, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError) as error:
        raise ValidationError(_("The file is not a valid image."), code="invalid_image") from error
    return size, buffer.getvalue()


def _thumbnail_store(image: ProductImage, thumbnail: bytes) -> None:
    stem = image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    image.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(thumbnail), save=False)
    image.url = image.file.url
    image.thumbnail_url = image.thumbnail.url
    image.save(update_fields=["thumbnail", "url", "thumbnail_url", "width", "height"])


def product_image_from_storage(*, product, name: str, position: int, alt_text: str = "") -> ProductImage:
    """An image of a file already in the storage (a CSV import names it): measured and thumbnailed."""
    with default_storage.open(name) as stored:
        (width, height), thumbnail = _measure_and_thumbnail(stored)
    image = ProductImage.objects.create(
        product=product, file=name, width=width, height=height, position=position, alt_text=alt_text
    )
    _thumbnail_store(image, thumbnail)
    return image


def product_image_save(*, image: ProductImage) -> ProductImage:
    """Save an image row; a new upload gets its size, its thumbnail (JPEG, at most 320x320) and URLs."""
    uploaded = image.file and not getattr(image.file, "_committed", True)
    if not uploaded:
        if not image.file and not image.url:
            raise ValidationError(_("Upload a file or give the URL of the photo."), code="image_required")
        image.save()
        return image
    (image.width, image.height), thumbnail = _measure_and_thumbnail(image.file)
    image.file.seek(0)
    image.save()  # stores the upload (its final name comes from the storage)
    _thumbnail_store(image, thumbnail)
    return image
