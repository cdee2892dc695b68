#!/usr/bin/env python3
"""Checks Grafana dashboards' JSON and turns every panel query into a recording rule for promtool.

No Grafana server runs here, so: each dashboard must have a uid, title, panels with unique ids, a
Prometheus datasource that is provisioned and non-empty queries; then each query's ``expr`` (with
Grafana's variables replaced by plain values) becomes ``record: grafana:<uid>:panel<id>_<refId>`` in
OUT, which ``promtool check rules`` parses with Prometheus's own PromQL parser.
Usage: grafana_rules.py DASHBOARD_DIR OUT.yml
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

PROVISIONED_UIDS = {"prometheus"}
GRAFANA_INTERVALS = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}


def plain_expr(expr: str) -> str:
    for name, value in GRAFANA_INTERVALS.items():
        expr = expr.replace(name, value)
    return re.sub(r"\$\{?\w+\}?", ".*", expr)  # template variables (used in =~ matchers)


def check_dashboard(path: Path) -> tuple[list[str], list[dict]]:
    problems: list[str] = []
    rules: list[dict] = []
    try:
        board = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        return [f"{path}: not JSON: {error}"], []
    for key in ("uid", "title", "panels", "schemaVersion"):
        if not board.get(key):
            problems.append(f"{path}: missing {key}")
    uid = board.get("uid", path.stem)
    seen: set[int] = set()
    for panel in board.get("panels", []):
        where = f"{path}: panel {panel.get('id')} {panel.get('title')!r}"
        if panel.get("id") in seen or not isinstance(panel.get("id"), int):
            problems.append(f"{where}: id missing or duplicated")
        seen.add(panel.get("id"))
        if not panel.get("title") or not panel.get("gridPos"):
            problems.append(f"{where}: needs a title and a gridPos")
        if panel.get("datasource", {}).get("uid") not in PROVISIONED_UIDS:
            problems.append(f"{where}: datasource is not a provisioned one ({sorted(PROVISIONED_UIDS)})")
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"{where}: no query")
        for target in targets:
            expr = (target.get("expr") or "").strip()
            if not expr:
                problems.append(f"{where}: query {target.get('refId')} has no expr")
                continue
            rules.append(
                {
                    "record": f"grafana:{uid}:panel{panel['id']}_{target.get('refId', 'A')}".replace("-", "_"),
                    "expr": plain_expr(expr),
                }
            )
    return problems, rules


def main(directory: str, out: str) -> int:
    boards = sorted(Path(directory).glob("*.json"))
    if not boards:
        print(f"{directory}: no dashboards")
        return 1
    problems: list[str] = []
    groups = []
    for path in boards:
        found, rules = check_dashboard(path)
        problems += found
        groups.append({"name": f"grafana-{path.stem}", "rules": rules})
    Path(out).write_text(yaml.safe_dump({"groups": groups}, sort_keys=False, width=1000))
    for problem in problems:
        print(problem)
    print(
        f"grafana: {len(boards)} dashboards, {sum(len(g['rules']) for g in groups)} queries, {len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
