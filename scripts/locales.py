#!/usr/bin/env python3
"""The pt-BR catalogues of the four services and common: extract the msgids, compile the ``.mo`` files.

``python scripts/locales.py update``  — ``makemessages -l pt_BR`` in each service and in common (new
English msgids appear with an empty msgstr to translate, vanished ones become obsolete), then compile.
``python scripts/locales.py compile`` — compile every ``locale/pt_BR/LC_MESSAGES/django.po`` to its
``.mo``: Django's ``compilemessages`` when GNU gettext's ``msgfmt`` is installed, else polib (pure Python,
in the dev group), so a machine without gettext still compiles. ``scripts/update_locales.sh`` and
``scripts/compile_locales.sh`` call these. The tests check that every committed ``.mo`` matches its
``.po`` (``common.testing.locales``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ["catalog", "accounts", "orders", "tasks"]
LOCALE = "pt_BR"
# Where the msgids come from: the code a person's text is written in, never the tests.
IGNORED = ["tests/*", "*/tests/*", "*/migrations/*", "*/management/*", "node_modules/*", "var/*", "locale/*"]
MAKEMESSAGES_OPTIONS = [
    "-l",
    LOCALE,
    "--add-location=file",
    "--no-wrap",
    "--no-obsolete",
    *(f"--ignore={pattern}" for pattern in IGNORED),
]


def catalogue_dirs() -> list[Path]:
    """Every ``locale`` directory: one per service, and common's."""
    return [ROOT / f"{service}_service" / "locale" for service in SERVICES] + [ROOT / "common" / "common" / "locale"]


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> None:
    print(f"[locales] {cwd.relative_to(ROOT)}: {' '.join(command[1:4])} ...", flush=True)
    subprocess.run(command, cwd=cwd, env={**os.environ, "IGNORE_DOTENV": "1", **(env or {})}, check=True)


def update() -> None:
    for service in SERVICES:
        directory = ROOT / f"{service}_service"
        (directory / "locale").mkdir(exist_ok=True)
        _run([_python(), "manage.py", "makemessages", *MAKEMESSAGES_OPTIONS], cwd=directory)
    common = ROOT / "common" / "common"
    (common / "locale").mkdir(exist_ok=True)
    # common has no manage.py: its test project's settings, run from inside the package.
    _run(
        [_python(), "-m", "django", "makemessages", *MAKEMESSAGES_OPTIONS],
        cwd=common,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT / "common")},
    )
    compile_all()


def compile_all() -> None:
    use_msgfmt = shutil.which("msgfmt") is not None
    for locale_dir in catalogue_dirs():
        for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if use_msgfmt:
                # What compilemessages runs, with the format check (a %(name)s lost in a translation fails).
                subprocess.run(["msgfmt", "--check-format", "-o", str(mo_path), str(po_path)], check=True)
            else:
                import polib

                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            print(f"[locales] compiled {mo_path.relative_to(ROOT)} ({'msgfmt' if use_msgfmt else 'polib'})")


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else ""
    if action == "update":
        update()
    elif action == "compile":
        compile_all()
    else:
        sys.exit("usage: scripts/locales.py update|compile")
