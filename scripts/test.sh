#!/usr/bin/env bash
# Runs every test: unit tests of the core, the engine against the shared samples, the CLI end
# to end, and the batch (200 files, resume, Ctrl-C). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The app embeds the built frontend.
npm run --prefix ui build
# The CLI tests run the real `caiji` binary: build it first (cargo test alone does not).
cargo build --workspace --locked
cargo test --workspace --locked
# End to end: the real app in real WebKit through tauri-driver, under a virtual display.
GSETTINGS_BACKEND=memory xvfb-run -a node --test tests/e2e/app.test.mjs
