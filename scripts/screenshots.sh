#!/usr/bin/env bash
# Takes screenshots of the real app window under Xvfb for the README:
#   docs/screenshots/photo-zh.png  the ID-photo screen with a sample portrait open.
# Needs: xvfb, xauth, imagemagick (installed here if missing) and a built app.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v xvfb-run >/dev/null && command -v import >/dev/null || {
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq xvfb xauth imagemagick
}
app=${APP:-target/debug/caiji-app}
[ -x "$app" ] || { npm run --prefix ui build; cargo build -p caiji-app; }
out=docs/screenshots
mkdir -p "$out"
shot() { # name, file to open
  xvfb-run -a -s "-screen 0 1280x820x24" bash -c "
    export GSETTINGS_BACKEND=memory
    '$app' '$2' & pid=\$!
    sleep \${SHOT_WAIT:-8}
    import -window root '$out/$1.png'
    kill \$pid" 
}
shot photo-zh ../shared/samples/photos/astronaut.png
echo "wrote $out/photo-zh.png"
