"""installer/install.sh: the dry run lays out every file; systemd, udev, logrotate accept them."""

from __future__ import annotations

import getpass
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from kiosk.config import REPO_ROOT

INSTALL = REPO_ROOT / "installer" / "install.sh"
UNITS = ("kiosk.service", "kiosk-session.service")
LAID_OUT = {
    "etc/systemd/system/kiosk.service": 0o644,
    "etc/systemd/system/kiosk-session.service": 0o644,
    "opt/kiosk/bin/kiosk-app": 0o755,
    "opt/kiosk/session/start-x": 0o755,
    "opt/kiosk/session/xsession": 0o755,
    "etc/udev/rules.d/70-kiosk.rules": 0o644,
    "etc/logrotate.d/kiosk": 0o644,
    "etc/systemd/journald.conf.d/kiosk.conf": 0o644,
    "etc/X11/Xwrapper.config": 0o644,
    "etc/kiosk/kiosk.toml": 0o640,
}


def _install(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("root")
    done = _install("--dry-run", "--root", str(folder))
    assert done.returncode == 0, done.stderr
    assert "would run: useradd --system" in done.stdout  # printed, not run
    return folder


def test_dry_run_lays_out_every_file_with_its_mode(root: Path) -> None:
    for path, mode in LAID_OUT.items():
        assert stat.S_IMODE((root / path).stat().st_mode) == mode, path
    assert stat.S_IMODE((root / "etc/kiosk").stat().st_mode) == 0o750
    assert (root / "opt/kiosk/app/kiosk/cli.py").is_file()
    assert not (root / "opt/kiosk/app/.git").exists()


def test_the_app_unit_restarts_on_a_hang(root: Path) -> None:
    unit = (root / "etc/systemd/system/kiosk.service").read_text()
    for line in ("Type=notify", "WatchdogSec=30", "Restart=always", "User=kiosk",
                 "StateDirectoryMode=0700", "UMask=0077"):
        assert f"\n{line}\n" in unit, line
    x = (root / "opt/kiosk/session/start-x").read_text()
    assert all(flag in x for flag in ("-nocursor", "-s 0 -dpms", "-nolisten tcp"))


def _verify(root: Path, *units: str) -> subprocess.CompletedProcess[str]:
    # The box the units land on has systemd's own unit library; give the root a copy of it.
    library = root / "usr/lib/systemd/system"
    if not library.exists():
        shutil.copytree("/usr/lib/systemd/system", library, symlinks=True)
    return subprocess.run(["systemd-analyze", "verify", f"--root={root}", *units],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is missing")
def test_units_pass_systemd_analyze_verify(root: Path) -> None:
    done = _verify(root, *UNITS)
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is missing")
def test_verify_would_catch_a_broken_unit(root: Path, tmp_path: Path) -> None:
    broken = root / "etc/systemd/system/kiosk-broken.service"
    broken.write_text((root / "etc/systemd/system/kiosk.service").read_text()
                      .replace("WatchdogSec=30", "WatchdogSec=thirty")
                      .replace("/opt/kiosk/bin/kiosk-app", "/opt/kiosk/bin/missing"))
    try:
        done = _verify(root, "kiosk-broken.service")
    finally:
        broken.unlink()
    assert "thirty" in done.stderr and done.returncode != 0


@pytest.mark.skipif(shutil.which("logrotate") is None, reason="logrotate is missing")
def test_logrotate_accepts_the_rotation_config(root: Path, tmp_path: Path) -> None:
    # The kiosk user does not exist on a dev box: rotate as whoever runs the test, into tmp.
    me = getpass.getuser()
    config = tmp_path / "kiosk.logrotate"
    config.write_text((root / "etc/logrotate.d/kiosk").read_text()
                      .replace("su kiosk kiosk", f"su {me} {me}")
                      .replace("/var/log/kiosk", str(tmp_path / "logs")))
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "Xorg.0.log").write_text("x" * 100)
    done = subprocess.run(["logrotate", "-d", "-s", str(tmp_path / "state"), str(config)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "error" not in done.stderr.lower(), done.stderr


def _udev_test(rules: Path) -> subprocess.CompletedProcess[str]:
    """`udevadm test` with only `rules` loaded, in a private mount namespace (nothing leaks)."""
    script = (
        "mount -t tmpfs none /etc/udev && mkdir /etc/udev/rules.d && "
        f"cp {rules}/* /etc/udev/rules.d/ && mount -t tmpfs none /usr/lib/udev/rules.d && "
        "mount -t tmpfs none /run && mount -t tmpfs none /dev/char && "
        "udevadm test --action=add /sys/class/tty/console"
    )
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.mark.skipif(shutil.which("udevadm") is None or shutil.which("unshare") is None,
                    reason="udevadm or unshare is missing")
def test_udev_rules_parse(root: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    ours = sorted((root / "etc/udev/rules.d").glob("*.rules"))  # with hardware/udev/ ones
    for path in ours:
        shutil.copy(path, rules)
    (rules / "99-zz-broken.rules").write_text('SUBSYSTEM=="tty", SYMLNK+="kiosk-oops"\n')
    done = _udev_test(rules)
    output = done.stdout + done.stderr
    if "Reading rules file" not in output:
        pytest.skip(f"udevadm test cannot run here: {done.stderr.strip()[-200:]}")
    assert "99-zz-broken.rules:1 Invalid key 'SYMLNK'" in output  # the check can fail
    for path in ours:
        assert f"Reading rules file: /etc/udev/rules.d/{path.name}" in output
        assert f"{path.name}:" not in output, output  # no "file:line problem" for ours


def test_uninstall_removes_what_it_laid_out_and_keeps_the_site_config(tmp_path: Path) -> None:
    assert _install("--dry-run", "--root", str(tmp_path)).returncode == 0
    done = _install("--uninstall", "--root", str(tmp_path))
    assert done.returncode == 0, done.stderr
    left = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert left == {"etc/kiosk/kiosk.toml"}
    assert _install("--uninstall", "--purge", "--root", str(tmp_path)).returncode == 0
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_dry_run_without_a_root_is_refused() -> None:
    done = _install("--dry-run")
    assert done.returncode == 2 and "--root" in done.stderr


def test_an_upgrade_keeps_the_site_config_and_replaces_the_app(tmp_path: Path) -> None:
    assert _install("--dry-run", "--root", str(tmp_path)).returncode == 0
    config = tmp_path / "etc/kiosk/kiosk.toml"
    config.write_text('pack = "bank"\n')
    stale = tmp_path / "opt/kiosk/app/kiosk/removed_module.py"
    stale.write_text("")
    assert _install("--dry-run", "--root", str(tmp_path)).returncode == 0
    assert config.read_text() == 'pack = "bank"\n'
    assert not stale.exists() and (tmp_path / "opt/kiosk/app/kiosk/cli.py").is_file()


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is missing")
def test_installer_scripts_pass_shellcheck() -> None:
    scripts = [INSTALL, REPO_ROOT / "installer" / "llama-cpp.sh", REPO_ROOT / "setup.sh",
               *sorted((REPO_ROOT / "installer" / "session").iterdir())]
    done = subprocess.run(["shellcheck", "-x", *map(str, scripts)], capture_output=True,
                          text=True, timeout=60, check=False, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stdout
