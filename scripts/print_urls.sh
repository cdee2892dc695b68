#!/usr/bin/env bash
# The addresses command 1 serves on: 8001-8004 unless RUN_PORT_BASE moves them (catalog is base + 1).
base=${RUN_PORT_BASE:-8000}
url() { echo "http://127.0.0.1:$((base + $1))"; }
cat <<TXT

  Cosméticos-co suite (embedded mode: SQLite, no servers)
    catalog   $(url 1)/api/catalog/docs    admin $(url 1)/admin/
    accounts  $(url 2)/api/accounts/docs   admin $(url 2)/admin/
    orders    $(url 3)/api/orders/docs     admin $(url 3)/admin/
    tasks     $(url 4)/api/tasks/docs      admin $(url 4)/admin/
  Logs: this terminal (every process, prefixed by its name); MongoDB-protocol server: var/log/nx-27017-local.log
  Ctrl-C stops everything.

TXT
