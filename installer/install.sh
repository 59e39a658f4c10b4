#!/usr/bin/env bash
# Turn a Debian/Ubuntu box into a kiosk appliance: a `kiosk` system user, the app and its venv
# under /opt/kiosk, the X session and the app as systemd services (with a watchdog), udev rules,
# log rotation, and models from an offline bundle. See docs/operations.md.
#
#   sudo installer/install.sh [--models BUNDLE.tar] [--wheels DIR]   install or upgrade
#   installer/install.sh --dry-run --root DIR                        lay every file out in DIR,
#                                                                    print the commands only
#   installer/install.sh --uninstall --root DIR                      remove them from DIR
#   sudo installer/install.sh --uninstall [--purge]                  remove (--purge: data too)
set -euo pipefail

SRC="$(cd "$(dirname "$0")/.." && pwd)"
HERE="$SRC/installer"
ROOT=""
DRY_RUN=0
UNINSTALL=0
PURGE=0
MODELS=""
WHEELS=""

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while (($#)); do
    case "$1" in
        --dry-run) DRY_RUN=1 ;;
        --root) ROOT="${2:?--root needs a folder}"; shift ;;
        --uninstall) UNINSTALL=1 ;;
        --purge) PURGE=1 ;;
        --models) MODELS="${2:?--models needs a bundle file}"; shift ;;
        --wheels) WHEELS="${2:?--wheels needs a folder}"; shift ;;
        -h|--help) usage 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage 2 ;;
    esac
    shift
done

if ((DRY_RUN)) && [ -z "$ROOT" ]; then
    echo "install.sh: --dry-run needs --root DIR (where to lay the files out)" >&2
    exit 2
fi
if [ -n "$ROOT" ]; then
    DRY_RUN=1  # files go under DIR; commands that change the system are only printed
    mkdir -p "$ROOT"
    ROOT="$(cd "$ROOT" && pwd)"
elif [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: run as root (sudo), or use --dry-run --root DIR" >&2
    exit 2
fi

# Every file the installer lays out: source (relative to installer/), target, mode.
FILES=(
    "systemd/kiosk.service         /etc/systemd/system/kiosk.service             0644"
    "systemd/kiosk-session.service /etc/systemd/system/kiosk-session.service     0644"
    "session/start-x               /opt/kiosk/session/start-x                    0755"
    "session/xsession              /opt/kiosk/session/xsession                   0755"
    "session/kiosk-app             /opt/kiosk/bin/kiosk-app                      0755"
    "udev/70-kiosk.rules           /etc/udev/rules.d/70-kiosk.rules              0644"
    "etc/logrotate-kiosk           /etc/logrotate.d/kiosk                        0644"
    "etc/journald-kiosk.conf       /etc/systemd/journald.conf.d/kiosk.conf       0644"
    "etc/Xwrapper.config           /etc/X11/Xwrapper.config                      0644"
)
# Installed once, then the site's own (never overwritten by an upgrade).
CONFIG="/etc/kiosk/kiosk.toml"

APT=(python3 python3-venv xserver-xorg-core xserver-xorg-input-libinput xinit
     x11-xserver-utils matchbox-window-manager espeak-ng libportaudio2 libgl1 libegl1
     libgl1-mesa-dri libegl-mesa0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4
     libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0
     libxcb-image0 libxcb-xkb1 libfontconfig1 libdbus-1-3 fonts-noto-cjk logrotate)

# Run a command, or in a dry run only say it.
run() {
    if ((DRY_RUN)); then
        printf 'would run:'; printf ' %q' "$@"; printf '\n'
    else
        "$@"
    fi
}

put() {  # put SOURCE TARGET MODE
    install -D -m "$3" "$HERE/$1" "$ROOT$2"
    echo "laid out $2"
}

lay_out_files() {
    local line source target mode
    for line in "${FILES[@]}"; do
        read -r source target mode <<<"$line"
        put "$source" "$target" "$mode"
    done
    # The device-specific serial names (/dev/kiosk-printer, /dev/kiosk-display) from hardware/.
    local rules
    for rules in "$SRC"/hardware/udev/*.rules; do
        [ -e "$rules" ] || continue
        install -D -m 0644 "$rules" "$ROOT/etc/udev/rules.d/$(basename "$rules")"
        echo "laid out /etc/udev/rules.d/$(basename "$rules")"
    done
    if [ ! -e "$ROOT$CONFIG" ]; then
        install -D -m 0640 "$HERE/etc/kiosk.toml" "$ROOT$CONFIG"
        echo "laid out $CONFIG (0640)"
    fi
    chmod 0750 "$ROOT/etc/kiosk"
    # The app itself: the source tree without the dev venv and caches, swapped in whole so an
    # upgrade leaves no file of the old version behind.
    rm -rf "$ROOT/opt/kiosk/app.new"
    mkdir -p "$ROOT/opt/kiosk/app.new"
    tar -C "$SRC" --exclude=.git --exclude=.venv --exclude=__pycache__ --exclude='*.pyc' \
        --exclude=.mypy_cache --exclude=.ruff_cache --exclude=.pytest_cache -cf - . \
        | tar -C "$ROOT/opt/kiosk/app.new" -xf -
    if [ -d "$ROOT/opt/kiosk/app" ]; then
        mv "$ROOT/opt/kiosk/app" "$ROOT/opt/kiosk/app.old"
    fi
    mv "$ROOT/opt/kiosk/app.new" "$ROOT/opt/kiosk/app"
    rm -rf "$ROOT/opt/kiosk/app.old"
    echo "laid out /opt/kiosk/app"
}

install_system() {
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${APT[@]}"
    if ! id kiosk >/dev/null 2>&1 || ((DRY_RUN)); then
        run useradd --system --user-group --home-dir /var/lib/kiosk --shell /usr/sbin/nologin kiosk
    fi
    run usermod -a -G audio,video,dialout,lp,render,input kiosk
    run install -d -m 0700 -o kiosk -g kiosk /var/lib/kiosk /var/lib/kiosk/models
    run install -d -m 0755 -o kiosk -g kiosk /var/log/kiosk
}

install_venv() {
    local pip_args=()
    [ -n "$WHEELS" ] && pip_args=(--no-index --find-links "$WHEELS")
    run python3 -m venv /opt/kiosk/venv
    if command -v nvidia-smi >/dev/null 2>&1; then
        # a GPU: llama.cpp built with CUDA (the GPU is an accelerator, never a requirement)
        export CMAKE_ARGS="-DGGML_CUDA=on"
    fi
    # editable: the app finds its data folders (avatars/, hardware/, knowledge/) beside its code
    # shellcheck source=installer/llama-cpp.sh
    . "$HERE/llama-cpp.sh"  # llama.cpp without its AMX kernels (they crash)
    run /opt/kiosk/venv/bin/pip install --quiet "${pip_args[@]}" -e "/opt/kiosk/app[llm]"
    ((DRY_RUN)) || llama_cpp_repair /opt/kiosk/venv/bin/python
}

install_data() {
    if [ ! -d "$ROOT/var/lib/kiosk/knowledge" ] || ((DRY_RUN)); then
        # the packs as shipped; the site edits its own copy, which upgrades leave alone
        run cp -a /opt/kiosk/app/knowledge /var/lib/kiosk/knowledge
    fi
    if [ -n "$MODELS" ]; then
        run /opt/kiosk/venv/bin/kiosk --config "$CONFIG" models install "$MODELS"
    fi
    run chown -R kiosk:kiosk /var/lib/kiosk
    run chown root:kiosk "$CONFIG" /etc/kiosk
}

enable_services() {
    run systemctl daemon-reload
    run systemctl restart systemd-journald
    run udevadm control --reload
    run udevadm trigger
    run systemctl set-default graphical.target
    run systemctl enable kiosk-session.service kiosk.service
    run systemctl restart kiosk-session.service kiosk.service
}

uninstall() {
    run systemctl disable --now kiosk.service kiosk-session.service
    local line source target mode
    for line in "${FILES[@]}"; do
        read -r source target mode <<<"$line"
        rm -f "$ROOT$target" && echo "removed $target"
    done
    local rules
    for rules in "$SRC"/hardware/udev/*.rules; do
        [ -e "$rules" ] || continue
        rm -f "$ROOT/etc/udev/rules.d/$(basename "$rules")"
    done
    rm -rf "$ROOT/opt/kiosk" && echo "removed /opt/kiosk"
    if ((PURGE)); then
        rm -rf "$ROOT/etc/kiosk" "$ROOT/var/lib/kiosk" "$ROOT/var/log/kiosk"
        echo "removed /etc/kiosk, /var/lib/kiosk, /var/log/kiosk"
        run userdel kiosk
    else
        echo "kept /etc/kiosk and /var/lib/kiosk (config, packs, models, log): --purge removes them"
    fi
    run systemctl daemon-reload
    run udevadm control --reload
}

if ((UNINSTALL)); then
    uninstall
    exit 0
fi
install_system
lay_out_files
install_venv
install_data
enable_services
if ((DRY_RUN)); then
    echo "dry run: files laid out under $ROOT; nothing else was changed"
else
    echo "installed. Check it: sudo -u kiosk /opt/kiosk/venv/bin/kiosk --config $CONFIG doctor"
fi
