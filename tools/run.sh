#!/usr/bin/env bash
# One command per job on a fresh Debian 12 machine: installs what xgrad needs, builds, runs.
#   bash tools/run.sh main   train a network, compare its gradients, draw its graph
#   bash tools/run.sh test   build and run the test suite
set -euo pipefail
cd "$(dirname "$0")/.."

job=${1:-main}
build=${XGRAD_BUILD_DIR:-build}
packages=(cmake g++ make ccache xtensor-dev libxtensor-blas-dev libopenblas-dev doctest-dev
          zlib1g-dev dataset-fashion-mnist graphviz nlohmann-json3-dev)

install_packages() {
    local missing=()
    for p in "${packages[@]}"; do
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
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    local targets=()
    for t in "$@"; do targets+=(--target "$t"); done
    cmake --build "$build" -j"$(nproc)" "${targets[@]}"
}

case "$job" in
    main)
        install_packages
        build xgrad_cli # only the program: the tests, examples and benchmarks wait for `test`
        "$build/xgrad" demo
        ;;
    test)
        install_packages
        build
        ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
        ;;
    *)
        echo "usage: bash tools/run.sh main|test" >&2
        exit 2
        ;;
esac
