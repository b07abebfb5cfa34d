#!/usr/bin/env bash
# Installs redis-server for the tests of limits shared across instances, when it is missing.
# CI runs as root on a fresh Debian/Ubuntu machine; elsewhere it uses sudo when available.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y redis-server
# The tests start their own redis-server on a free port; the distribution's service is
# not needed.
if command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
fi
