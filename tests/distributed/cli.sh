#!/usr/bin/env bash
# `mpirun -np N xgrad train` end to end (ctest's data_parallel_cli):
#  - 2 and 3 processes end with the parameters (and Adam's state) of 1 process, to 1e-12;
#  - only rank 0 prints and checkpoints; a checkpoint of 2 processes resumes alone, and one of
#    1 process under 3, as if never interrupted;
#  - a rank killed mid-epoch ends the run within 30 s (mpirun: exit status 137, naming the
#    rank) and the last checkpoint still loads; a rank stopped (SIGSTOP) is named after
#    --mpi-timeout and the run ends with exit status 1.
# usage: tests/distributed/cli.sh XGRAD MPIRUN
set -uo pipefail
xgrad=$1
mpirun=$2
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

common=(--data planar --hidden 6 --optimizer adam --lr 0.02 --batch-size 48 --every 5)
par() { local n=$1; shift; "$mpirun" --oversubscribe -np "$n" "$xgrad" train "$@"; }

# The largest difference between two checkpoints' arrays (parameters and optimiser state).
compare() {
    "$python" - "$1" "$2" <<'PY'
import json, pathlib, sys
import numpy as np
def arrays(d):
    d = pathlib.Path(d)
    version = d / (d / "CURRENT").read_text().strip()
    return {p.name: np.load(p) for p in version.glob("*.npy")}
a, b = arrays(sys.argv[1]), arrays(sys.argv[2])
assert a.keys() == b.keys(), (sorted(a), sorted(b))
print(max(float(np.max(np.abs(a[k] - b[k]))) for k in a))
PY
}
expect_same() { # name dir1 dir2
    local d
    d=$(compare "$2" "$3") || { fail "$1: could not compare"; return; }
    echo "$1: largest difference $d"
    "$python" -c "import sys; sys.exit(0 if float('$d') <= 1e-12 else 1)" || fail "$1: $d > 1e-12"
}

echo "== 1, 2 and 3 processes, 10 epochs"
"$xgrad" train "${common[@]}" --epochs 10 --checkpoint "$work/one" >"$work/one.log" 2>&1 ||
    fail "1 process: $(cat "$work/one.log")"
par 2 "${common[@]}" --epochs 10 --checkpoint "$work/two" >"$work/two.log" 2>&1 ||
    fail "2 processes: $(cat "$work/two.log")"
par 3 "${common[@]}" --epochs 10 --checkpoint "$work/three" --no-overlap --bucket-kb 1 \
    >"$work/three.log" 2>&1 || fail "3 processes: $(cat "$work/three.log")"
expect_same "2 processes vs 1" "$work/one" "$work/two"
expect_same "3 processes (after backward, 1 KiB buckets) vs 1" "$work/one" "$work/three"
[ "$(grep -c '^train accuracy' "$work/two.log")" = 1 ] || fail "rank 0 alone should print"
grep -q '^  processes 2 (mpirun) on ' "$work/two.log" || fail "no processes line: $(cat "$work/two.log")"
grep -q '^all-reduce ' "$work/two.log" || fail "no all-reduce figures"

echo "== resumed under another number of processes"
par 2 "${common[@]}" --epochs 4 --checkpoint "$work/two4" >"$work/two4.log" 2>&1 ||
    fail "2 processes, 4 epochs: $(cat "$work/two4.log")"
"$xgrad" train --resume "$work/two4" --epochs 10 --every 5 --checkpoint "$work/two4-one" \
    >"$work/resume1.log" 2>&1 || fail "resumed alone: $(cat "$work/resume1.log")"
expect_same "2 processes for 4 epochs, then 1 for 6, vs 1" "$work/one" "$work/two4-one"
"$xgrad" train "${common[@]}" --epochs 3 --checkpoint "$work/one3" >/dev/null 2>&1 ||
    fail "1 process, 3 epochs"
par 3 --resume "$work/one3" --epochs 10 --every 5 --checkpoint "$work/one3-three" \
    >"$work/resume3.log" 2>&1 || fail "resumed under 3: $(cat "$work/resume3.log")"
expect_same "1 process for 3 epochs, then 3 for 7, vs 1" "$work/one" "$work/one3-three"

# Starts a long run of 2 processes, waits for its first checkpoint, and sends SIGNAL to rank 1.
# Sets pid (mpirun's), victim (rank 1's) and started (when the signal went).
long_run() { # signal log [flags]
    local signal=$1 log=$2
    shift 2
    "$mpirun" --oversubscribe -np 2 "$xgrad" train --data planar --hidden 6 --epochs 100000000 \
        --batch-size 4 --every 20 --checkpoint "$work/long" "$@" >"$log" 2>&1 &
    pid=$! # mpirun's own: the processes it starts here are its children
    for _ in $(seq 600); do [ -f "$work/long/CURRENT" ] && break; sleep 0.1; done
    [ -f "$work/long/CURRENT" ] || fail "no checkpoint after 60 s: $(cat "$log")"
    victim=""
    for child in $(pgrep -P "$pid"); do
        if tr '\0' '\n' <"/proc/$child/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then
            victim=$child
        fi
    done
    [ -n "$victim" ] || fail "rank 1 not found among mpirun's children"
    sleep 0.5 # mid-epoch
    started=$(date +%s.%N)
    [ -n "$victim" ] && kill "-$signal" "$victim"
}
# Waits for mpirun at most `limit` seconds; sets status and seconds.
wait_run() { # limit
    local limit=$1
    for _ in $(seq $((limit * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        fail "the run did not end within $limit s"
        kill -KILL "$pid"
        [ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null
    fi
    wait "$pid"
    status=$?
    seconds=$("$python" -c "import time; print(round(time.time() - $started, 1))")
}

echo "== a rank killed mid-epoch"
long_run KILL "$work/kill.log"
wait_run 30
echo "killed rank 1: mpirun exited with status $status after $seconds s"
sed -n '/noticed/p' "$work/kill.log"
[ "$status" = 137 ] || fail "exit status $status, expected 137: $(cat "$work/kill.log")"
grep -q 'process rank 1 .*signal 9' "$work/kill.log" || fail "rank 1 not named: $(cat "$work/kill.log")"
epoch=$("$python" -c "import json,pathlib,sys; d=pathlib.Path('$work/long'); \
print(json.loads((d/(d/'CURRENT').read_text().strip()/'manifest.json').read_text())['epoch'])")
"$xgrad" train --resume "$work/long" --epochs $((epoch + 1)) >"$work/after-kill.log" 2>&1 ||
    fail "the last checkpoint (epoch $epoch) does not resume: $(cat "$work/after-kill.log")"
echo "the checkpoint of epoch $epoch resumes"
rm -rf "$work/long"

echo "== a rank stopped (SIGSTOP)"
long_run STOP "$work/stop.log" --mpi-timeout 3
wait_run 30
[ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null
echo "stopped rank 1: mpirun exited with status $status after $seconds s"
grep 'no answer' "$work/stop.log"
[ "$status" = 1 ] || fail "exit status $status, expected 1: $(cat "$work/stop.log")"
grep -q "no answer from rank 1 " "$work/stop.log" || fail "rank 1 not named: $(cat "$work/stop.log")"

[ "$failures" = 0 ] && echo "all passed"
exit $((failures > 0))
