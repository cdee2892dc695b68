#!/usr/bin/env bash
# Compile every locale/pt_BR/LC_MESSAGES/django.po to its .mo (GNU msgfmt when installed, else polib).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
exec "$python" "$root/scripts/locales.py" compile
