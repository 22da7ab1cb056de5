#!/usr/bin/env bash
# Windows from this Linux machine, into dist/: `caiji.exe` (the CLI) and `caiji-app.exe` (the
# app) cross-built for x86_64-pc-windows-gnu with MinGW-w64 — mozjpeg's and rav1d's SIMD
# assembled by nasm for win64; SQLite, the face model, the HEIC/AVIF/PDF decoders all inside the
# programs —, the NSIS installer (Debian's makensis, packaging/windows/caiji.nsi) and the
# portable (green) zip. The app needs WebView2Loader.dll beside it (the gnu target cannot link
# Microsoft's loader statically); both forms carry it. Also two helpers for the wine tests
# (tests/wine; never shipped) into target/wine. The test command runs it, then tests/tests/wine.rs
# installs, runs and uninstalls what it made.
#   bash scripts/windows.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh windows
target=x86_64-pc-windows-gnu
# The release frontend (without the end-to-end tests' hooks) in its own folder, so that the
# Linux app's ui/dist (built with the hooks for the end-to-end tests) is left alone; the app's
# build embeds it (TAURI_CONFIG is merged into src-tauri/tauri.conf.json).
npm run --prefix ui build -- --outDir dist-release
if [ -e ui/dist-release/test-hooks ]; then
  echo "ui/dist-release was built with the test hooks: not bundling it" >&2
  exit 1
fi
TAURI_CONFIG='{"build":{"frontendDist":"../ui/dist-release"}}' \
  cargo build --locked --release --target "$target" -p caiji -p caiji-app
rel="target/$target/release"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
loader=$(find "$rel/build" -path '*webview2-com-sys-*/out/x64/WebView2Loader.dll' | head -1)
[ -n "$loader" ] || { echo "WebView2Loader.dll not found under $rel/build" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$rel/caiji-app.exe" "$rel/caiji.exe" "$loader" src-tauri/icons/icon.ico "$stage/"
# The symbol tables too (the release profile strips debug info only): ~20 MB less per program.
x86_64-w64-mingw32-strip "$stage/caiji-app.exe" "$stage/caiji.exe"
# What the user reads first, with Windows line endings.
sed 's/$/\r/' packaging/windows/README.txt > "$stage/README.txt"
sed 's/$/\r/' packaging/windows/WebView2Loader-LICENSE.txt > "$stage/WebView2Loader-LICENSE.txt"
mkdir -p dist
setup="dist/caiji-$version-windows-x64-setup.exe"
# The file version has four numbers: a pre-release's suffix (0.2.0-rc.1) is left out there.
# The running app's instance mutex, which the installer and uninstaller look for: named by
# tauri-plugin-single-instance after the app's identifier.
mutex="$(python3 -c 'import json; print(json.load(open("src-tauri/tauri.conf.json"))["identifier"] + "-sim")')"
makensis -V2 -DVERSION="$version" -DAPP_MUTEX="$mutex" -DNUMERIC_VERSION="${version%%[-+]*}.0" -DSTAGE="$stage" -DOUTFILE="$PWD/$setup" packaging/windows/caiji.nsi
# The green form: the programs, an empty `portable` file (data in caiji-data beside them).
green="caiji-$version-windows-x64-portable"
mkdir "$stage/$green"
cp "$stage/caiji-app.exe" "$stage/caiji.exe" "$stage/WebView2Loader.dll" "$stage/WebView2Loader-LICENSE.txt" "$stage/README.txt" "$stage/$green/"
: > "$stage/$green/portable"
rm -f "dist/$green.zip"
(cd "$stage" && python3 -m zipfile -c "$OLDPWD/dist/$green.zip" "$green")
# For the wine tests only: wine 8 (Debian 12) lacks bcryptprimitives.dll, which Rust's standard
# library needs on Windows 10+ (a stand-in for the tests' prefixes, tests/wine/bcryptprimitives.c);
# a program that holds a file or the app's instance mutex as a running program would
# (tests/wine/hold_open.c).
mkdir -p target/wine
x86_64-w64-mingw32-gcc -shared -O2 -s -o target/wine/bcryptprimitives.dll tests/wine/bcryptprimitives.c -ladvapi32
x86_64-w64-mingw32-gcc -municode -O2 -s -o target/wine/hold-open.exe tests/wine/hold_open.c
ls -l "$setup" "dist/$green.zip"
