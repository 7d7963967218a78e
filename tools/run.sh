#!/usr/bin/env bash
# One command per job on a fresh Debian 12 machine: installs what xgrad needs, builds, runs.
#   bash tools/run.sh main   train a network, compare its gradients, draw its graph
#   bash tools/run.sh test   build and run the test suite
#   bash tools/run.sh python build the Python module and install it for Debian's python3
#   bash tools/run.sh deps   only install the packages (and XGRAD_EXTRA_PACKAGES, e.g. CI's clang)
# XGRAD_CMAKE_ARGS adds options to the configure step (CI: -DXGRAD_WERROR=ON).
set -euo pipefail
cd "$(dirname "$0")/.."

job=${1:-main}
build=${XGRAD_BUILD_DIR:-build}
# What the program needs (main installs only these), then what the tests, the Python module
# and data-parallel training add (test, python and deps install them all).
core_packages=(cmake g++ make ccache xtensor-dev libxtensor-blas-dev libopenblas-dev doctest-dev
               zlib1g-dev dataset-fashion-mnist graphviz librsvg2-bin nlohmann-json3-dev)
optional_packages=(python3 python3-numpy python3-sklearn python3-torch # the tests' oracles
                   python3-dev pybind11-dev python3-pytest python3-nbconvert python3-ipykernel # python/
                   libopenmpi-dev openmpi-bin)                         # nn/distributed/

# install_packages [core]: the core packages, or all of them; XGRAD_EXTRA_PACKAGES too.
install_packages() {
    local missing=() extra=() wanted=("${core_packages[@]}")
    [ "${1:-all}" = core ] || wanted+=("${optional_packages[@]}")
    read -r -a extra <<<"${XGRAD_EXTRA_PACKAGES:-}"
    for p in "${wanted[@]}" "${extra[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# build [TARGET...]: configure once, then build the targets given (all when none).
build() {
    local options=()
    read -r -a options <<<"${XGRAD_CMAKE_ARGS:-}"
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release "${options[@]}" >/dev/null
    local targets=()
    for t in "$@"; do targets+=(--target "$t"); done
    cmake --build "$build" -j"$(nproc)" "${targets[@]}"
}

case "$job" in
    main)
        install_packages core
        build xgrad_cli # only the program: the tests, examples and benchmarks wait for `test`
        "$build/xgrad" demo
        ;;
    test)
        install_packages
        build
        ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
        ;;
    python)
        install_packages
        build xgrad_python # the extension and the package, in $build/python/xgrad
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo=sudo
        $sudo cmake --install "$build" --component python
        cd / && /usr/bin/python3 -c "import xgrad; print('import xgrad:', xgrad.__file__)"
        ;;
    deps)
        install_packages
        ;;
    *)
        echo "usage: bash tools/run.sh main|test|python|deps" >&2
        exit 2
        ;;
esac
