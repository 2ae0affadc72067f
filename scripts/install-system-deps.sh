#!/usr/bin/env bash
# System packages xxgk needs beyond PyPI: a CJK font to render test and review pages (required), and
# headless chromium for the review page's screenshot test (optional: the test skips without it).
# Installs only what is missing; uses sudo when not root.
set -euo pipefail
need_font=1
if fc-list 2>/dev/null | grep -qi "wqy"; then need_font=0; fi
need_chromium=1
if command -v chromium >/dev/null 2>&1; then need_chromium=0; fi
if [ "$need_font" -eq 0 ] && [ "$need_chromium" -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
if [ "$need_font" -eq 1 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-wqy-zenhei fontconfig >/dev/null
fi
if [ "$need_chromium" -eq 1 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
    || echo "warning: chromium not installed; the review page screenshot test will be skipped" >&2
fi
