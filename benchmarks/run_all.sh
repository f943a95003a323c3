#!/usr/bin/env bash
# One run of every benchmark, one after the other (never in parallel: they
# would measure each other). Each starts its own revad. Output: stdout.
#   PYTHONPATH=$PWD ./benchmarks/run_all.sh | tee /tmp/bench.txt
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-python3}
for bench in listing.py fsspec_read.py transfer.py dask_read.py browser_download.py table_page.py; do
    echo "\$ python benchmarks/$bench"
    "$py" -u "benchmarks/$bench" || echo "(exit status $?: a goal not met)"
    echo
done
