#!/usr/bin/env bash
# One run of every benchmark, one after the other (never in parallel: they
# would measure each other). Each starts its own revad. Output: stdout.
#   PYTHONPATH=$PWD ./benchmarks/run_all.sh | tee /tmp/bench.txt
# The transfers run twice: on the disk, and with the server's files and the
# local files on tmpfs (/dev/shm), which takes this machine's disk out.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-python3}
shm=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    shm=$(mktemp -d /dev/shm/cs3w-bench-XXXXXX)
    trap 'rm -rf "$shm"' EXIT
fi
run() {
    echo "\$ python benchmarks/$*"
    "$py" -u "benchmarks/$@" || echo "(exit status $?: a goal not met)"
    echo
}
run listing.py
run fsspec_read.py
run transfer.py
if [ -n "$shm" ]; then
    mkdir -p "$shm/work"
    run transfer.py --server-root "$shm" --workdir "$shm/work"
fi
run dask_read.py
run browser_download.py
run table_page.py
run open_costs.py
