#!/usr/bin/env bash
# Runs every test: formatting and clippy, unit tests of each crate, the engine against the
# sample images in tests/fixtures, the architecture (no import circles, a lean server), the CLI end
# to end, the batch (200 files, resume, Ctrl-C), the app's frontend in headless Chromium, and
# the real app end to end in WebKit. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
# A cold build gains nothing from incremental state, which would cost ~2 GB of disk.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
# The app embeds the built frontend: here with the test hooks (window.caiji, the counters the
# end-to-end tests wait on), which a release build leaves out (see ui/src/hooks.ts).
npm run --prefix ui build:e2e
# Habits: formatted, and clippy clean with the workspace lints (no unwrap outside tests).
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The CLI tests run the real `caiji` binary: build it first (cargo test alone does not), with
# the benchmark and the examples so that they cannot rot unnoticed.
cargo build --workspace --all-targets --locked
# The Windows programs, installer and green zip, cross-built, for the tests that install and run
# them under wine (tests/tests/wine.rs).
bash scripts/windows.sh
# The server's protocol tests run on SQLite and on a throwaway PostgreSQL cluster.
CAIJI_TEST_PG="$(bash scripts/pg.sh)"
export CAIJI_TEST_PG
cargo test --workspace --locked
# Frontend: every screen's logic in headless Chromium with the Tauri IPC mocked.
npm test --prefix ui
# End to end: the real app in real WebKit through tauri-driver, under a virtual display.
GSETTINGS_BACKEND=memory xvfb-run -a node --test tests/e2e/app.test.mjs
# The filing story: drafts, attachments, a kill and recovery, bundles to a fresh folder, a unit.
GSETTINGS_BACKEND=memory xvfb-run -a node --test tests/e2e/filing.test.mjs
# The sync story: the app registers with a real caiji-server, sends, is returned, resends, is accepted.
GSETTINGS_BACKEND=memory xvfb-run -a node --test tests/e2e/sync.test.mjs
# A walk of every screen at 1280×800 and 1024×700: each result shows without scrolling.
GSETTINGS_BACKEND=memory xvfb-run -a -s "-screen 0 1400x900x24" node --test tests/e2e/walk.test.mjs
