"""Settings of the accounts service: the shared base from ``common.settings`` plus this service's own."""

from pathlib import Path

from common.settings import build_settings

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(build_settings(service="accounts", base_dir=BASE_DIR, port=8002, apps=[]))
