#!/usr/bin/env bash
# System packages xxgk needs beyond PyPI: a CJK font to render test and review pages.
# Installs only what is missing; uses sudo when not root.
set -euo pipefail
if fc-list 2>/dev/null | grep -qi "wqy"; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-wqy-zenhei fontconfig >/dev/null
