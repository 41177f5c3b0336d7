#!/usr/bin/env bash
# Measures what a `pm2 reload` costs in failed requests: the sample backend in
# pm2 cluster mode behind the plan's nginx config, load through nginx, K reloads.
# Everything on 127.0.0.1, its own PM2_HOME (killed on exit), nginx by pid.
#
#   bench/reload-probe.sh                      # working tree
#   REV=<commit> bench/reload-probe.sh         # app + nginx template of a commit
#   K=8 CLIENTS=16 KEEPALIVE=on|off MODE=cluster|fork TARGET=nginx|direct METHOD=GET|POST BASELINE=1 bench/reload-probe.sh
#
# One JSON line per run on stdout ("run": "baseline" or "reload N"), then a summary.
set -euo pipefail

K=${K:-8}; CLIENTS=${CLIENTS:-16}; KEEPALIVE=${KEEPALIVE:-on}; MODE=${MODE:-cluster}
BASELINE=${BASELINE:-0}; METHOD=${METHOD:-GET}; REV=${REV:-}; SETTLE_S=${SETTLE_S:-2}
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/.." && pwd)
. "$REPO/scripts/lib.sh" # pm2_path, nginx_path (FILMTRIP_PM2, FILMTRIP_NGINX), free_port, wait_http, stop_pid
PM2=$(pm2_path)
NGINX=$(nginx_path)

WORK=$(mktemp -d /tmp/filmtrip-probe.XXXXXX)
export PM2_HOME=$WORK/pm2
NGINX_PID=""; LOAD_PID=""
cleanup() {
  [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null || true
  "$PM2" kill --no-color >/dev/null 2>&1 || true
  [ -n "$NGINX_PID" ] && stop_pid "$NGINX_PID" QUIT 5
  rm -rf "$WORK"
}
trap cleanup EXIT


# The app and nginx template, from a commit or from the working tree.
mkdir -p "$WORK/src" "$WORK/app/releases"
if [ -n "$REV" ]; then
  git -C "$REPO" archive "$REV" samples/filmtrip/backend bench/nginx | tar -x -C "$WORK/src"
else
  mkdir -p "$WORK/src/samples/filmtrip" "$WORK/src/bench"
  cp -r "$REPO/samples/filmtrip/backend" "$WORK/src/samples/filmtrip/"; cp -r "$REPO/bench/nginx" "$WORK/src/bench/"
fi
cp -r "$WORK/src/samples/filmtrip/backend" "$WORK/app/releases/1"
ln -s releases/1 "$WORK/app/current"
if [ "$MODE" = fork ]; then
  sed -i "s/instances: 2/instances: 1/; s/exec_mode: 'cluster'/exec_mode: 'fork'/" "$WORK/app/releases/1/ecosystem.config.js"
fi

export BACKEND_PORT=$(free_port) API_PORT=$(free_port) WEB_PORT=$(free_port)
export PREFIX=$WORK/nginx FRONTEND_ROOT=$WORK/web
mkdir -p "$PREFIX" "$FRONTEND_ROOT"
envsubst '${PREFIX} ${BACKEND_PORT} ${API_PORT} ${WEB_PORT} ${FRONTEND_ROOT}' \
  < "$WORK/src/bench/nginx/filmtrip.conf.template" > "$PREFIX/nginx.conf"

PORT=$BACKEND_PORT "$PM2" start "$WORK/app/current/ecosystem.config.js" --only filmtrip-backend --cwd "$WORK/app/current" --no-color >/dev/null
wait_http "http://127.0.0.1:$BACKEND_PORT/health" 20
"$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" 2>>"$PREFIX/stderr.log" &
NGINX_PID=$!
wait_http "http://127.0.0.1:$API_PORT/version" 10
# TARGET=direct skips nginx, to tell nginx's share of the losses from pm2's.
URL_PATH=/version; [ "$METHOD" = POST ] && URL_PATH=/trips
TARGET_PORT=$API_PORT; [ "${TARGET:-nginx}" = direct ] && TARGET_PORT=$BACKEND_PORT

run_load() { # label, then the command run while the load is on
  local label=$1; shift
  node "$HERE/load.js" --url "http://127.0.0.1:$TARGET_PORT$URL_PATH" --method "$METHOD" --clients "$CLIENTS" \
    --keepalive "$KEEPALIVE" --timeout-ms 5000 --max-seconds 120 > "$WORK/load.json" &
  LOAD_PID=$!
  sleep 1                      # load ramp-up before the event (a bench, not a test)
  "$@"
  sleep "$SETTLE_S"            # let the old workers' last requests land
  kill -INT "$LOAD_PID"; wait "$LOAD_PID" || true; LOAD_PID=""
  jq -c --arg run "$label" '{run: $run, total, ok, failed, hung, rps, errors, events: .events[:5]}' "$WORK/load.json" \
    | tee -a "$WORK/runs.jsonl"
}

echo "# pm2 $("$PM2" -v) nginx $("$NGINX" -v 2>&1 | cut -d/ -f2) node $(node -v) mode=$MODE target=${TARGET:-nginx} method=$METHOD clients=$CLIENTS keepalive=$KEEPALIVE rev=${REV:-worktree}" >&2
[ "$BASELINE" = 1 ] && run_load baseline sleep 5
reload() { "$PM2" reload filmtrip-backend --no-color >/dev/null; }
for i in $(seq "$K"); do run_load "reload $i" reload; done
jq -s -c '{summary: "reloads", runs: length, total: (map(.total)|add), failed: (map(.failed)|add), hung: (map(.hung)|add),
  runs_with_loss: (map(select(.failed + .hung > 0))|length)}' \
  <(grep -v '"baseline"' "$WORK/runs.jsonl")
