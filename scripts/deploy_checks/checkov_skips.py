#!/usr/bin/env python3
"""Prints checkov's --skip-check value from checkov-skips.yaml, refusing any skip without a reason.

The file maps each skipped check id to the written reason it is skipped; the reason is required.
"""

from __future__ import annotations

import re
import sys

import yaml


def main(path: str) -> int:
    with open(path) as handle:
        skips = yaml.safe_load(handle) or {}
    bad = [check for check, reason in skips.items() if not isinstance(reason, str) or len(reason.split()) < 4]
    bad += [check for check in skips if not re.fullmatch(r"CKV2?_[A-Z0-9]+_\d+", check)]
    if bad:
        print(f"{path}: every skipped check needs a valid id and a written reason: {', '.join(bad)}", file=sys.stderr)
        return 1
    print(",".join(skips))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
