#!/usr/bin/env bash
# The main job for now: builds the `caiji` CLI and runs it on the bundled samples, writing
# ./demo-out (ID photos to several portals' specs, a merged ID card, a checked batch).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build --release --locked -p caiji
caiji=target/release/caiji
samples=tests/fixtures/samples
out=demo-out
rm -rf "$out"; mkdir -p "$out"
$caiji specs list
for spec in nat-photo hb-photo ga461 sc-photo; do
  $caiji prepare "$samples/photos/astronaut.png" --spec "$spec" -o "$out/astronaut_$spec.jpg"
done
$caiji merge "$samples/documents/text_defocus.jpg" "$samples/exif/xmp_test.jpg" --spec nat-idcard -o "$out/idcard.jpg"
$caiji merge "$samples/documents/typewriter.png" "$samples/documents/skew_scan.png" --spec nat-proof -o "$out/diploma.jpg"
$caiji check "$samples/photos/hopper.jpg" --spec nat-photo || true
$caiji batch "$samples/photos" "$out/batch" --spec exam-photo || true
echo "outputs in $out/"
