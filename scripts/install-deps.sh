#!/usr/bin/env bash
# Installs what building Caiji needs on Debian/Ubuntu: a C toolchain for mozjpeg and nasm for
# its SIMD code (without nasm mozjpeg builds silently 2x slower), WebKitGTK for the Tauri app,
# Node.js for its frontend, and the frontend's npm packages; with `test`, also what the tests
# need (Xvfb, WebKitWebDriver, tauri-driver, Chromium, PostgreSQL, pdftotext, and for Windows
# MinGW-w64, makensis and wine); with `windows`, what scripts/windows.sh needs; with `shots`, also ImageMagick for the
# README screenshots. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v cc >/dev/null || need+=(build-essential)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v nasm >/dev/null || need+=(nasm)
pkg-config --exists webkit2gtk-4.1 2>/dev/null || need+=(libwebkit2gtk-4.1-dev)
pkg-config --exists librsvg-2.0 2>/dev/null || need+=(librsvg2-dev)
command -v npm >/dev/null || need+=(nodejs npm)
if [ "${1:-}" = "test" ]; then
  # End-to-end tests of the real window: a virtual display and WebKit's WebDriver.
  command -v xvfb-run >/dev/null || need+=(xvfb xauth)
  command -v WebKitWebDriver >/dev/null || need+=(webkit2gtk-driver)
  # Frontend tests run in Debian's Chromium (playwright-core drives it; no browser download).
  command -v chromium >/dev/null || need+=(chromium)
  # The server's protocol tests also run against PostgreSQL (scripts/pg.sh starts a cluster).
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  # The unit's letter is printed to PDF in a frontend test and read back with pdftotext.
  command -v pdftotext >/dev/null || need+=(poppler-utils)
fi
# Windows from here (scripts/windows.sh): MinGW-w64, NSIS's makensis, and wine for the tests
# of the Windows programs, installer and green zip (the test command builds and runs them).
if [ "${1:-}" = "windows" ] || [ "${1:-}" = "test" ]; then
  command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
  command -v wine >/dev/null || need+=(wine wine64)
  command -v makensis >/dev/null || need+=(nsis)
fi
if [ "${1:-}" = "shots" ]; then
  # README screenshots: the test tools, plus ImageMagick's `import` to grab the X screen.
  "$0" test
  command -v import >/dev/null || need+=(imagemagick)
fi
if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust from rustup (https://rustup.rs) first" >&2
  exit 1
fi
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi
# The Rust standard library for Windows.
if [ "${1:-}" = "windows" ] || [ "${1:-}" = "test" ]; then
  rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
fi
# tauri-driver bridges WebDriver clients to WebKitWebDriver (a small crate, ~20 s to build).
if [ "${1:-}" = "test" ]; then
  command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
fi
# The frontend's packages, exactly as locked.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm ci --prefix ui --no-audit --no-fund
fi
