#!/usr/bin/env bash
# Runs the whole benchmark: NumPy and PyTorch columns (bench.py, when python3-numpy /
# python3-torch are installed), then the C++ binary (floor, xgrad, LibTorch), which prints
# one table with every column's ratio to the floor.
#   bench/run.sh                      configure and build ./build, then run
#   bench/run.sh BUILD/bench/xgrad_bench [--config tiny] [--seconds 2] ...
# Threads: XGRAD_BENCH_THREADS (default 1) sets OpenBLAS, OpenMP and torch threads alike.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
threads=${XGRAD_BENCH_THREADS:-1}
export XGRAD_BENCH_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads

if [[ $# -ge 1 && -x "$1" && ! -d "$1" ]]; then
  bin=$1
  shift
else
  build=${XGRAD_BUILD_DIR:-$here/../build}
  cmake -S "$here/.." -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" --target xgrad_bench -j2
  bin=$build/bench/xgrad_bench
fi

extra=$(mktemp)
trap 'rm -f "$extra"' EXIT
# Debian's python (python3-numpy, python3-torch), not whatever python3 is first on PATH.
python=${XGRAD_BENCH_PYTHON:-/usr/bin/python3}
[[ -x $python ]] || python=python3
if "$python" -c 'import numpy' 2>/dev/null; then
  "$python" "$here/bench.py" --out "$extra" "$@"
else
  echo "(python3-numpy not installed: no NumPy/PyTorch columns)"
fi
# fashion10's PyTorch column takes turns with the C++ columns: the binary runs bench.py as a
# worker process with this python (bench/pytorch_worker.cpp).
worker=()
if "$python" -c 'import torch' 2>/dev/null; then
  worker=(--python "$python")
fi
"$bin" --extra "$extra" ${worker[@]+"${worker[@]}"} "$@"
