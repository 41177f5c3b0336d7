#!/usr/bin/env bash
# Installs what the tests, the sandbox and the benchmarks need and this machine lacks:
# pm2 into <repo>/.tools (a local npm prefix; nothing global), and nginx, chromium and chromium-driver from Debian
# when run as root.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pm2_version="7.0.4"

if [ ! -x "$root/.tools/node_modules/.bin/pm2" ]; then
  echo "install-tools: installing pm2@$pm2_version into $root/.tools"
  npm install --prefix "$root/.tools" --no-audit --no-fund --loglevel=error "pm2@$pm2_version" >/dev/null
fi

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "install-tools: installing nginx"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "install-tools: nginx is missing; run: sudo apt-get install -y nginx" >&2
  fi
fi

# The dashboard's browser tests: Debian's Chromium and its chromedriver (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "install-tools: installing chromium and chromium-driver"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "install-tools: chromium is missing; run: sudo apt-get install -y chromium chromium-driver" >&2
  fi
fi
