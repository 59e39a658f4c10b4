"""Run one step of llama.cpp on a GGUF and print what happened as JSON (run by `kiosk doctor`).

    python -m kiosk.doctor.llamaprobe embed|generate MODEL.gguf

In its own process, like the GL probe: a llama.cpp built for the wrong CPU features crashes
the whole process on its first computation (on Sapphire Rapids CPUs, its AMX kernels did, on
every embedding and every token; installer/llama-cpp.sh), and the kiosk would crash the same
way at its first question. Here only the probe dies, and the doctor says why.
"""

from __future__ import annotations

import json
import sys
import time

from kiosk.runtime import tame_openmp


def probe(kind: str, path: str) -> dict[str, float]:
    """Load the model and compute one embedding or one token; the time each took, in ms."""
    tame_openmp()
    import llama_cpp

    started = time.perf_counter()
    model = llama_cpp.Llama(model_path=path, embedding=kind == "embed", verbose=False,
                            n_ctx=128, pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN
                            if kind == "embed" else llama_cpp.LLAMA_POOLING_TYPE_UNSPECIFIED)
    loaded = time.perf_counter()
    if kind == "embed":
        model.embed("Where are the toilets?")
    else:
        model("Where are the toilets?", max_tokens=1)
    return {"load_ms": round((loaded - started) * 1000, 1),
            "step_ms": round((time.perf_counter() - loaded) * 1000, 1)}


if __name__ == "__main__":
    try:
        print(json.dumps(probe(sys.argv[1], sys.argv[2])))
    except Exception as exc:  # reported by the doctor as the reason
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        sys.exit(1)
