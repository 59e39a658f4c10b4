# shellcheck shell=bash
# Sourced by setup.sh and install.sh: how llama.cpp (llama-cpp-python) is compiled here.
#
# llama.cpp compiles for the CPU it is built on (-march=native). On a CPU with Intel AMX
# (Sapphire Rapids and later) that turns on its AMX matrix kernels, which crash on the first
# inference on such machines (llama.cpp issue 20824; seen here on 2026-12-07: every
# embedding and every SmolLM2 token was a segmentation fault). The AVX-512 kernels stay; only
# the AMX ones are left out. A wheel that pip built earlier without these flags may sit in
# pip's cache, so after installing, `llama_cpp_repair` looks for AMX instructions in the
# library and, if it finds any, drops the cached wheel and builds again.

_no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
if [ "$(uname -m)" = x86_64 ]; then
    export CMAKE_ARGS="${CMAKE_ARGS:-} -DCMAKE_C_FLAGS='$_no_amx' -DCMAKE_CXX_FLAGS='$_no_amx'"
fi

# llama_cpp_repair PYTHON: rebuild llama-cpp-python in PYTHON's environment if its CPU library
# holds AMX code. Quiet and quick (about a second) when it does not.
llama_cpp_repair() {
    local python="$1" lib version
    [ "$(uname -m)" = x86_64 ] && command -v objdump >/dev/null || return 0
    lib="$("$python" - <<'EOF'
import importlib.util, pathlib
spec = importlib.util.find_spec("llama_cpp")
if spec and spec.submodule_search_locations:
    found = sorted(pathlib.Path(spec.submodule_search_locations[0], "lib").glob("libggml-cpu.so*"))
    print(found[0] if found else "")
EOF
)"
    [ -n "$lib" ] || return 0
    objdump -d "$lib" | grep -E '\s(tdpbusd|tdpbssd|tdpbf16ps|tileloadd)\s' >/dev/null || return 0  # not -q: with pipefail, objdump's SIGPIPE would fail it
    version="$("$python" -c 'import importlib.metadata as m; print(m.version("llama_cpp_python"))')"
    echo "setup: llama.cpp $version was built with AMX kernels, which crash; building it again without them (5-8 minutes)"
    "$python" -m pip cache remove 'llama_cpp_python*' >/dev/null 2>&1 || true
    "$python" -m pip install --quiet --progress-bar off --force-reinstall --no-deps \
        "llama-cpp-python==$version"
}
