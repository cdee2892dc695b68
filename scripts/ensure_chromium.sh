#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium (the admin screenshot test drives it headless
# through Playwright with executable_path; Playwright's own browser download is never used).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "[chromium] installing Debian's chromium package" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >&2
