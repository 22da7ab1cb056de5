#!/usr/bin/env bash
# Runs the desktop app on a fresh machine: installs what it needs, builds the frontend and the
# app (release), and opens the window. Arguments are passed on (a photo to open, for example).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Rebuild the frontend only when it changed: a new ui/dist makes the app re-embed it. A frontend
# built for the tests (scripts/test.sh leaves ui/dist/test-hooks) is rebuilt without the hooks.
if [ ! -f ui/dist/index.html ] || [ -e ui/dist/test-hooks ] || [ -n "$(find ui/src ui/index.html ui/public ui/package-lock.json ui/vite.config.ts -newer ui/dist/index.html -print -quit)" ]; then
  npm run --prefix ui build
fi
cargo build --release --locked -p caiji-app
exec target/release/caiji-app "$@"
