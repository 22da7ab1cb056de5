#!/usr/bin/env bash
# Retakes the README's screenshots from the real app window under Xvfb (WebKit through
# tauri-driver): docs/screenshots/{photo-zh,check-zh,batch-zh,scan-zh,photo-en,specs-en}.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh shots
npm run --prefix ui build
cargo build -p caiji-app
GSETTINGS_BACKEND=memory xvfb-run -a -s "-screen 0 1280x820x24" node tests/e2e/screenshots.mjs
