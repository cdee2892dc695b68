#!/usr/bin/env bash
# Installs Tansu (Kafka protocol) and nx-27017 (MongoDB protocol) from PyPI into var/infra, once.
# Their own virtual environment keeps their pins away from the project's (see shared INFRA.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x "$root/var/infra/bin/nx-27017" ]; then
  echo "[infra] installing the Kafka- and MongoDB-protocol servers into var/infra" >&2
  python3 -m venv "$root/var/infra" >&2
  "$root/var/infra/bin/pip" install --quiet -r "$root/scripts/infra-requirements.txt" >&2
fi
