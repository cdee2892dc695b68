#!/usr/bin/env bash
# Prints the path of a uv executable, installing uv into var/tools from PyPI when none is on PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if command -v uv >/dev/null 2>&1; then command -v uv; exit 0; fi
if [ ! -x "$root/var/tools/bin/uv" ]; then
  python3 -m venv "$root/var/tools" >&2
  "$root/var/tools/bin/pip" install --quiet "uv==0.13.9" >&2
fi
echo "$root/var/tools/bin/uv"
