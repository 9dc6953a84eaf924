#!/usr/bin/env bash
# Remakes the README's screenshots (docs/images/) from the repo's own letters:
# headless Chromium, window 1280 × 900, pages opened from file:// as a reader
# would, and the search over `gongwen serve` (a browser fetches the search
# index only over HTTP). Needs chromium and curl; pngquant, when present,
# makes the files smaller.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r letters gongwen.yaml "$work"/
cargo run --quiet -- build --root "$work"
site="file://$work/output"

shot() { # URL FILE
  chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,900 \
    --virtual-time-budget=3000 --screenshot="docs/images/$2" "$1" 2>/dev/null
  if command -v pngquant >/dev/null; then
    pngquant --force --skip-if-larger --output "docs/images/$2" -- "docs/images/$2" || true
  fi
}

shot "$site/index.html" index.png
port=8731
cargo run --quiet -- serve --root "$work" --port "$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/index.html" >/dev/null; do sleep 0.2; done
shot "http://127.0.0.1:$port/index.html?q=%E7%94%9F%E6%80%81%E8%A1%A5%E5%81%BF" search.png   # ?q=生态补偿
shot "$site/2024/letter-format-reply.html" letter-format.png
ls -l docs/images/
