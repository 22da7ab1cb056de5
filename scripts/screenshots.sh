#!/usr/bin/env bash
# Retakes the README's screenshots from the real app window under Xvfb (WebKit through
# tauri-driver): every PNG in docs/screenshots (the sync one against a real caiji-server).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh shots
# The shots are driven through the test hooks (window.caiji): the frontend is built with them.
npm run --prefix ui build:e2e
cargo build -p caiji-app -p caiji-server
GSETTINGS_BACKEND=memory xvfb-run -a -s "-screen 0 1280x820x24" node tests/e2e/screenshots.mjs
