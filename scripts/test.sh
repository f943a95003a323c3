#!/usr/bin/env bash
# Sets everything up (Debian packages, revad, virtualenvs) and runs the whole
# test suite against real revad servers, once per Reva line, each with the
# cs3apis wheel that matches it:
#   v3      Reva v3 (the line CERNBox runs) with its wheel: every test,
#           browser tests included;
#   v1.29   Reva v1.29 with its wheel: every test but the browser tests;
#   newest  Reva v3 with the newest cs3apis wheel pip offers (what
#           `pip install cs3widgets` gives a user): every test but the
#           browser tests;
#   v3.12   Reva v3.12 (the newest v3 release the module proxy serves) with
#           its wheel: every test but the browser tests.
# Set up every line, lint (ruff; gofmt, go vet and go test of our drivers on
# every line), then pytest per line (two lines at a time: CS3W_JOBS), then a
# per-line summary. Extra arguments go to every pytest run. CS3W_LINES="v3"
# (say) runs a subset of lines.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
lines=${CS3W_LINES:-v3 v1.29 newest v3.12}
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT

# Setup: the v3 line first, alone (it installs the Debian packages and
# fetches what every venv shares), then the other lines at once: their revad
# builds and venvs are independent, and downloads overlap compiles.
setup_line() { "$here/scripts/setup.sh" "$1" > "$reports/$1.setup"; }
first_line=${lines%% *}
setup_line "$first_line"
pids=()
for line in $lines; do
  [ "$line" = "$first_line" ] || { setup_line "$line" & pids+=("$!"); }
done
for pid in "${pids[@]}"; do wait "$pid"; done
revad_of() { tail -n 2 "$reports/$1.setup" | head -n 1; }
venv_of() { tail -n 1 "$reports/$1.setup"; }

"$(venv_of "$first_line")/bin/ruff" check cs3widgets tests benchmarks
"$here/scripts/check-go.sh"

# pytest per line, CS3W_JOBS lines at a time (default 2). One line keeps
# about one core of two busy (it waits on revad and on the network), so two
# at a time finish sooner; each line's output is printed when it ends.
run_line() {
  local line=$1 server=$1 venv revad rc
  shift
  venv=$(venv_of "$line")
  revad=$(revad_of "$line")
  local select=()
  case "$line" in
    v3) ;;
    v1.29|v3.12) select=(-m "not browser") ;;
    newest) server=v3; select=(-m "not browser") ;;
  esac
  {
    echo "=== Reva line $line: $("$venv/bin/python" -c 'import importlib.metadata as m; print("cs3apis", m.version("cs3apis"))'), $(basename "$revad")"
    set +e
    CS3W_REVA_LINE=$server CS3W_REVAD=$revad "$venv/bin/python" -m pytest "${select[@]}" \
      --junitxml="$reports/$line.xml" "$@"
    rc=$?
    set -e
    # pytest exits 5 when it collected no tests: that must fail, never pass.
    if [ "$rc" -eq 5 ]; then
      echo "pytest collected no tests on line $line"
      rc=1
    fi
    echo "$rc" > "$reports/$line.rc"
  } > "$reports/$line.log" 2>&1
  cat "$reports/$line.log"
}
jobs=${CS3W_JOBS:-2}
running=0
for line in $lines; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_line "$line" "$@" &
  running=$((running + 1))
done
wait || true
status=0
for line in $lines; do
  rc=$(cat "$reports/$line.rc" 2>/dev/null || echo 1)
  [ "$rc" -eq 0 ] || status=1
  echo "$line $rc" >> "$reports/rc"
done

# One line per Reva line, then the totals.
"$(venv_of "$first_line")/bin/python" - "$reports" <<'PY'
import sys, xml.etree.ElementTree as ET
from pathlib import Path
reports = Path(sys.argv[1])
total = {"passed": 0, "failed": 0, "skipped": 0}
print("\n=== per-line summary")
for line_rc in (reports / "rc").read_text().split("\n"):
    if not line_rc:
        continue
    line, rc = line_rc.split()
    f = reports / f"{line}.xml"
    if not f.exists():
        print(f"{line:8} no report (pytest exit {rc})")
        total["failed"] += 1
        continue
    s = ET.parse(f).getroot()
    s = s if s.tag == "testsuite" else s.find("testsuite")
    n, fail, err, skip = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    passed = n - fail - err - skip
    print(f"{line:8} {passed} passed, {fail + err} failed, {skip} skipped (pytest exit {rc})")
    # The tests that run on both server profiles (tests/profiles.py), by profile.
    for profile in ("eos", "upstream"):
        cases = [c for c in s.iter("testcase") if f"[{profile}]" in c.get("name", "")
                 or f"[{profile}-" in c.get("name", "")]
        bad = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
        print(f"{'':8}   profile {profile:8} {len(cases) - len(bad)} passed, {len(bad)} failed")
    # fsspec's abstract suite (tests/test_fsspec_contract.py).
    cases = [c for c in s.iter("testcase")
             if c.get("classname", "").startswith("tests.test_fsspec_contract")]
    bad = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
    print(f"{'':8}   fsspec abstract suite {len(cases) - len(bad)} passed, {len(bad)} failed")
    # jupyter_server's own contents tests (tests/test_jupyter_server_*.py).
    cases = [c for c in s.iter("testcase")
             if c.get("classname", "").startswith("tests.test_jupyter_server_")]
    bad = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    props = {p.get("name"): p.get("value") for p in s.iter("property")}
    print(f"{'':8}   jupyter_server contents tests "
          f"{len(cases) - len(bad) - len(skipped)} passed, {len(bad)} failed, "
          f"{len(skipped)} skipped, {props.get('jupyter_server_deselected', '?')} deselected")
    total["passed"] += passed
    total["failed"] += fail + err
    total["skipped"] += skip
print(f"{total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
PY
exit "$status"
