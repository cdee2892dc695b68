"""Settings of the tasks service: the shared base from ``common.settings`` plus this service's own."""

from pathlib import Path

from common.settings import build_settings

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(build_settings(service="tasks", base_dir=BASE_DIR, port=8004, apps=[]))
