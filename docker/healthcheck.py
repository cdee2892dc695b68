"""Container HEALTHCHECK of the web process: GET /healthz on the local gunicorn, exit 1 unless 200.

The slim base image has no curl; the standard library is enough and keeps the image small.
"""

import os
import sys
import urllib.request

port = os.environ.get("PORT", "8000")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:
    sys.exit(1)
