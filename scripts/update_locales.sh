#!/usr/bin/env bash
# Re-extract every English msgid of the four services and common into their pt-BR .po files
# (makemessages), then compile the .mo files. Translate the new empty msgstr entries, run
# scripts/compile_locales.sh, and commit the .po and .mo together.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
exec "$python" "$root/scripts/locales.py" update
