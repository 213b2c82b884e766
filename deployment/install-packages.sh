#!/usr/bin/env bash
# Installs the system packages ffrtmp needs on Debian/Ubuntu (ffmpeg to transcode; OpenSSL and
# SQLite development headers for the TLS and storage targets; nginx with the RTMP module, which the
# agent end-to-end tests start as an RTMP server; chromium, the headless browser the dashboard test
# drives; systemd for systemd-analyze and prometheus for promtool, which Tests/Deployment uses to
# check the units and alert rules under deployment/). Skips what is already installed;
# runs apt-get update only when something is missing. Needs root (or sudo) only when it installs.
set -euo pipefail

PACKAGES=(ffmpeg libssl-dev libsqlite3-dev nginx-light libnginx-mod-rtmp chromium systemd prometheus)
missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-packages: already installed: ${PACKAGES[*]}"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "install-packages: installing ${missing[*]}"
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
