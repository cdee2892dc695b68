"""WhiteNoise, scanning the apps' static files once per process instead of once per middleware chain.

Where ``collectstatic`` never ran (``make run``, the tests, the end-to-end stack) WhiteNoise finds the admin's
and the Swagger UI's files in the apps (``WHITENOISE_USE_FINDERS``, see ``common.settings``). It scans them
whenever a middleware chain is built, and Django's test client builds one per client: about 20 ms each
time, which made the catalog suite 60 % slower. The apps' files do not change while a process runs, so
the scan is kept for the process.
"""

from __future__ import annotations

from typing import Any

from whitenoise.middleware import WhiteNoiseMiddleware as _WhiteNoiseMiddleware

# static URL prefix -> {url: whitenoise StaticFile} found through the finders
_found: dict[str, dict[str, Any]] = {}


class WhiteNoiseMiddleware(_WhiteNoiseMiddleware):
    def add_files_from_finders(self) -> None:
        cached = _found.get(self.static_prefix)
        if cached is None:
            before = dict(self.files)
            super().add_files_from_finders()
            cached = {url: found for url, found in self.files.items() if before.get(url) is not found}
            _found[self.static_prefix] = cached
        self.files.update(cached)
