#!/usr/bin/env bash
# Executes an example notebook as CI does: run_notebook.sh NOTEBOOK OUTDIR PYTHON
# The kernel is PYTHON (Debian's python3, where the module was built for) whatever kernels
# Jupyter knows of: a kernel spec of our own in OUTDIR, found through JUPYTER_PATH.
# PYTHONPATH (set by ctest to <build>/python) reaches the kernel through the environment.
set -euo pipefail
notebook=$1 out=$2 python=${3:-/usr/bin/python3}
if ! "$python" -c "import nbconvert, ipykernel" 2>/dev/null; then
    echo "needs Debian's python3-nbconvert and python3-ipykernel for $python" >&2
    exit 1
fi
mkdir -p "$out/kernels/xgrad-python3"
cat >"$out/kernels/xgrad-python3/kernel.json" <<JSON
{"argv": ["$python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
 "display_name": "Python 3 (Debian, xgrad)", "language": "python"}
JSON
export JUPYTER_PATH="$out${JUPYTER_PATH:+:$JUPYTER_PATH}"
cd "$out"
"$python" -m nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=xgrad-python3 \
    --ExecutePreprocessor.timeout=600 --output-dir "$out" --output "$(basename "$notebook" .ipynb).executed" \
    "$notebook"
echo "executed: $out/$(basename "$notebook" .ipynb).executed.ipynb"
