#!/usr/bin/env python3
"""Splits a rendered overlay into Kubernetes kinds and Istio kinds; fails on any other API group.

kubernetes-validate knows only the built-in API groups (it merely warns on custom resources), so Istio
resources go to validate_istio.mjs and anything else is an error rather than an unchecked document.
Usage: split_manifests.py RENDERED.yaml CORE_OUT.yaml ISTIO_OUT.yaml
"""

from __future__ import annotations

import sys

import yaml

BUILT_IN_GROUPS = {"", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io"}


def main(source: str, core_out: str, istio_out: str) -> int:
    with open(source) as handle:
        docs = [doc for doc in yaml.safe_load_all(handle) if doc]
    core, istio, unknown = [], [], []
    for doc in docs:
        api_version = doc.get("apiVersion", "")
        group = api_version.rpartition("/")[0]
        if group.endswith(".istio.io"):
            istio.append(doc)
        elif group in BUILT_IN_GROUPS:
            core.append(doc)
        else:
            unknown.append(f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')} ({api_version})")
    for path, part in ((core_out, core), (istio_out, istio)):
        with open(path, "w") as handle:
            yaml.safe_dump_all(part, handle, sort_keys=False)
    if unknown:
        print(f"{source}: resources of an API group no validator covers: {', '.join(unknown)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
