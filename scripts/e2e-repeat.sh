#!/usr/bin/env bash
# Runs each end-to-end file N times in a row (default 5) and stops at the first failure: a flaky
# test is a failing test. Run it while something else loads the machine (another build) to shake
# out waits on time. Needs what scripts/test.sh builds first (the app with test hooks).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-5}"
for f in tests/e2e/app.test.mjs tests/e2e/filing.test.mjs tests/e2e/sync.test.mjs tests/e2e/walk.test.mjs; do
  for i in $(seq 1 "$n"); do
    echo "== $f run $i/$n"
    GSETTINGS_BACKEND=memory xvfb-run -a -s "-screen 0 1400x900x24" node --test "$f" > /tmp/e2e-repeat.log 2>&1 || { cat /tmp/e2e-repeat.log; echo "FAILED: $f run $i"; exit 1; }
    grep -E "^# (pass|fail)" /tmp/e2e-repeat.log | tr '\n' ' '; echo
  done
done
