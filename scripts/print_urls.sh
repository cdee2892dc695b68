#!/usr/bin/env bash
cat <<TXT

  Cosméticos-co suite (embedded mode: SQLite, no servers)
    catalog   http://127.0.0.1:8001/api/catalog/docs    admin http://127.0.0.1:8001/admin/
    accounts  http://127.0.0.1:8002/api/accounts/docs   admin http://127.0.0.1:8002/admin/
    orders    http://127.0.0.1:8003/api/orders/docs     admin http://127.0.0.1:8003/admin/
    tasks     http://127.0.0.1:8004/api/tasks/docs      admin http://127.0.0.1:8004/admin/
  Ctrl-C stops everything.

TXT
