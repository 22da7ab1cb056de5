#!/usr/bin/env bash
# Builds what a user downloads, into dist/:
#   - the Debian package (tauri build --bundles deb), offline: the app and the `caiji` CLI;
#   - a portable archive: the app and the `caiji` CLI with a `portable` file beside them, so
#     settings, profiles and logs stay in caiji-data next to the programs (a USB stick).
# An AppImage needs linuxdeploy from GitHub, which this offline machine cannot fetch: pass
# `appimage` to try it where the network allows. Windows' installer and green zip are built here
# too, by scripts/windows.sh. On a Mac, `npx tauri build` in the same tree gives Caiji.app (the
# CLI inside, Contents/MacOS/caiji) and the dmg (bundle settings in src-tauri/tauri.conf.json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bundles="deb"
[ "${1:-}" = "appimage" ] && bundles="deb,appimage"
# The Tauri CLI comes from npm (ui's devDependencies); it runs the frontend build itself.
# Before bundling it builds the `caiji` CLI too, which the package installs as /usr/bin/caiji.
# (tauri.conf.json's beforeBuildCommand: `npm run build`, a release frontend without test hooks.)
ui/node_modules/.bin/tauri build --bundles "$bundles"
if [ -e ui/dist/test-hooks ]; then
  echo "ui/dist was built with the test hooks: not bundling it" >&2
  exit 1
fi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(uname -m)
mkdir -p dist
cp target/release/bundle/deb/*.deb dist/
[ "$bundles" = "deb" ] || cp target/release/bundle/appimage/*.AppImage dist/ 2>/dev/null || true
stage=$(mktemp -d)
name="caiji-$version-linux-$arch-portable"
mkdir "$stage/$name"
cp target/release/caiji-app target/release/caiji "$stage/$name/"
: > "$stage/$name/portable"
tar -C "$stage" -czf "dist/$name.tar.gz" "$name"
rm -rf "$stage"
ls -l dist/
