#!/usr/bin/env bash
# Windows from this Linux machine: `caiji.exe` (the CLI) and `caiji-app.exe` (the app) cross-built
# for x86_64-pc-windows-gnu with MinGW-w64 — mozjpeg's and rav1d's SIMD assembled by nasm for
# win64; SQLite, the face model, the HEIC/AVIF/PDF decoders all inside the programs — then the
# NSIS installer (Debian's makensis, packaging/windows/caiji.nsi) and the portable (green) zip,
# into dist/. The app needs WebView2Loader.dll beside it (the gnu target cannot link Microsoft's
# loader statically); both forms carry it.
#   bash scripts/windows.sh        the release programs, the installer and the portable zip
#   bash scripts/windows.sh cli    the debug CLI and, for the wine tests, a file-holding helper and
#                                  wine's stand-in DLL (tests/wine)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh windows
target=x86_64-pc-windows-gnu
if [ "${1:-}" = "cli" ]; then
  cargo build --locked --target "$target" -p caiji
  mkdir -p target/wine
  # Wine 8 (Debian 12) lacks bcryptprimitives.dll, which Rust's standard library needs on
  # Windows 10+: a stand-in for the tests' wine prefix only (tests/wine/bcryptprimitives.c).
  x86_64-w64-mingw32-gcc -shared -O2 -s -o target/wine/bcryptprimitives.dll tests/wine/bcryptprimitives.c -ladvapi32
  # A picture viewer holding an output open (tests/wine/hold_open.c).
  x86_64-w64-mingw32-gcc -municode -O2 -s -o target/wine/hold-open.exe tests/wine/hold_open.c
  exit 0
fi
# The release frontend (without the end-to-end tests' hooks), embedded by the app's build.
npm run --prefix ui build
if [ -e ui/dist/test-hooks ]; then
  echo "ui/dist was built with the test hooks: not bundling it" >&2
  exit 1
fi
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
makensis -V2 -DVERSION="$version" -DSTAGE="$stage" -DOUTFILE="$PWD/$setup" packaging/windows/caiji.nsi
# The green form: the programs, an empty `portable` file (data in caiji-data beside them).
green="caiji-$version-windows-x64-portable"
mkdir "$stage/$green"
cp "$stage/caiji-app.exe" "$stage/caiji.exe" "$stage/WebView2Loader.dll" "$stage/WebView2Loader-LICENSE.txt" "$stage/README.txt" "$stage/$green/"
: > "$stage/$green/portable"
rm -f "dist/$green.zip"
(cd "$stage" && python3 -m zipfile -c "$OLDPWD/dist/$green.zip" "$green")
ls -l "$setup" "dist/$green.zip"
