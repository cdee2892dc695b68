#!/usr/bin/env python3
"""Search probe on the embedded stack: 36 seeded product names, half accent-stripped, half with one letter
dropped, added, swapped or changed in a word of five letters or more; how many find their product in the
top 5. Runs the catalog on a scratch SQLite database under ``--var`` (seeded once, 1,200 variants).

    .venv/bin/python bench/search_names_probe.py --var /tmp/search-probe
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

CATALOG = Path(__file__).resolve().parents[1] / "catalog_service"


def one_letter_off(word: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(word) - 1)
    kind = rng.choice("dasc")
    if kind == "d":
        return word[:position] + word[position + 1 :]
    if kind == "a":
        return word[:position] + rng.choice("aeiorst") + word[position:]
    if kind == "s":
        return word[: position - 1] + word[position] + word[position - 1] + word[position + 1 :]
    return word[:position] + rng.choice("aeiorst".replace(word[position], "")) + word[position + 1 :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", required=True, help="Scratch folder for the SQLite database.")
    args = parser.parse_args()
    for name in [key for key in os.environ if key.endswith("DATABASE_URL")]:
        del os.environ[name]
    for name in ("REDIS_URL", "MONGODB_URI", "RABBITMQ_URL", "KAFKA_BOOTSTRAP_SERVERS"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "VAR_DIR": args.var,
            "DEBUG": "true",
            "SECURE_SSL_REDIRECT": "false",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    sys.path.insert(0, str(CATALOG))
    os.chdir(CATALOG)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from catalog.products.models import Product
    from catalog.search.text import fold

    call_command("migrate", verbosity=0)
    if not Product.objects.exists():
        call_command("seed_catalog", "--size", "1200", "--no-events", verbosity=0)
    rng = random.Random(7)
    products = list(Product.objects.filter(is_published=True).order_by("id").values_list("slug", "name"))
    client = Client()
    found_in_top_5 = 0
    for number, (slug, name) in enumerate(rng.sample(products, 36)):
        words = fold(name).split()
        if number % 2:
            long_words = [index for index, word in enumerate(words) if len(word) >= 5]
            if long_words:
                index = rng.choice(long_words)
                words[index] = one_letter_off(words[index], rng)
        query = " ".join(words)
        answer = client.get("/api/catalog/products", {"q": query, "page_size": 5}).json()
        found = slug in [item["slug"] for item in answer["items"]]
        found_in_top_5 += found
        if not found:
            print(f"missed: {query!r} -> {slug}")
    print(f"found in the top 5: {found_in_top_5} of 36")
    return 0


if __name__ == "__main__":
    sys.exit(main())
