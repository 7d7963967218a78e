#!/usr/bin/env bash
# The installed-package test: install the build tree to a temporary prefix, build the
# consumer project against it with find_package(xgrad), run it, check what it prints.
#   bash tests/consumer/run.sh <build dir>
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: run.sh <xgrad build dir>}
work=$(mktemp -d "${TMPDIR:-/tmp}/xgrad-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
# Only the public pieces were installed: headers under include/xgrad, libraries, config.
test -f "$work/prefix/include/xgrad/autograd/autograd.hpp"
test -f "$work/prefix/lib/cmake/xgrad/xgradConfig.cmake"
test -f "$work/prefix/lib/cmake/xgrad/xgradConfigVersion.cmake"
if find "$work/prefix" -name '*.cpp' | grep -q .; then
    echo "sources were installed:"; find "$work/prefix" -name '*.cpp'; exit 1
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$source_dir/tests/consumer" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$work/prefix" "${launcher[@]}" >/dev/null
cmake --build "$work/build" >/dev/null
mkdir "$work/run"
"$work/build/consumer" "$work/run" | tee "$work/out.txt"

expect() { grep -qxF "$1" "$work/out.txt" || { echo "missing line: $1"; exit 1; }; }
expect "grad 2 -4 6"
expect "custom op swish: gradcheck passed, gradgradcheck passed"
expect "model 2 -> 3 (tanh) -> 1 (sigmoid), 13 parameters"
expect "reference sigmoid 0.8808"
expect "npy 3"
expect "checkpoint 2 -> 3 (tanh) -> 1 (sigmoid)"
expect "plot written"
echo "consumer project built and ran against the installed xgrad"
