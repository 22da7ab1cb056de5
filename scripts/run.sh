#!/usr/bin/env bash
# Runs the desktop app on a fresh machine: installs what it needs, builds the frontend and the
# app (release), and opens the window. Arguments are passed on (a photo to open, for example).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npm run --prefix ui build
cargo build --release --locked -p caiji-app
exec target/release/caiji-app "$@"
