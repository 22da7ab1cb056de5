#!/usr/bin/env bash
# Installs what building Caiji needs on Debian/Ubuntu: a C toolchain for mozjpeg and nasm for
# its SIMD code (without nasm mozjpeg builds silently 2x slower). Safe to run repeatedly.
set -euo pipefail
need=()
command -v cc >/dev/null || need+=(build-essential)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v nasm >/dev/null || need+=(nasm)
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
