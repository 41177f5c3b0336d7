#!/usr/bin/env bash
# The same steps as a daemon deploy of the backend, by hand: the baseline for the "deploy overhead" row.
# git fetch + checkout into a directory, npm ci, migrate, pm2 reload, curl the health URL.
# Usage: PM2=<pm2> PM2_HOME=<home> PORT=<port> [APP=filmtrip-backend] [SUBDIR=backend] bench/plain-deploy.sh <clone dir> <sha> <health url>
set -euo pipefail
dir=$1 sha=$2 health=$3
git -C "$dir" fetch -q origin
git -C "$dir" checkout -q --force "$sha"
cd "$dir/${SUBDIR:-backend}"
npm ci --omit=dev --no-audit --no-fund >/dev/null
npm run migrate >/dev/null
"$PM2" reload "${APP:-filmtrip-backend}" --update-env --no-color >/dev/null
for _ in $(seq 1 300); do curl -fsS -m 2 -o /dev/null "$health" && exit 0; sleep 0.1; done
echo "plain-deploy: $health never answered" >&2; exit 1
