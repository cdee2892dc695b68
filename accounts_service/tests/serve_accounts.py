"""Run as its own process by the key-rotation tests: the accounts WSGI app on 127.0.0.1:PORT
(``python -m tests.serve_accounts PORT``), so verifiers fetch the JWKS from a real accounts process."""

from __future__ import annotations

import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.wsgi import application

    make_server("127.0.0.1", int(sys.argv[1]), application, handler_class=QuietHandler).serve_forever()


if __name__ == "__main__":
    main()
