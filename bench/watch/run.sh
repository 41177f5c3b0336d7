#!/usr/bin/env bash
# The post-switch watch bench (issue 15), all on 127.0.0.1, bounded in time:
#   - a release that passes /health but answers 500 to 30% of requests, under load through nginx (BlueGreen and
#     Reload): time from its first 5xx to the old version served through nginx, and the requests that failed between;
#   - ROUNDS healthy deploys under load, each watched for its whole window: false rollbacks;
#   - the daemon's memory while a watched access log grows by GROW_MIB (1 GiB).
# Prints a table and writes bench/results/watch-<time>.json. Stops everything it started (by pid; pm2 by its
# temporary PM2_HOME) on exit, Ctrl-C included.
#
#   bench/watch/run.sh
#   CLIENTS=16 ROUNDS=10 WATCH_FOR=00:00:20 GROW_MIB=1024 DEADLINE_S=2400 KEEP=1 bench/watch/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/scripts/lib.sh" # pm2_path, nginx_path (FILMTRIP_PM2, FILMTRIP_NGINX), stop_pid
"$REPO/scripts/install-tools.sh"
PM2=$(pm2_path)
NGINX=$(nginx_path)
echo "watch bench: building the daemon (Release)" >&2
dotnet build "$REPO/src/FilmTrip.Hook/FilmTrip.Hook.csproj" -c Release --nologo -v quiet -clp:NoSummary >/dev/null

WORK=$(mktemp -d /tmp/filmtrip-watch-bench.XXXXXX)
chmod 755 "$WORK"
export PM2_HOME=$WORK/pm2
DRIVE_PID=""
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  [ -n "$DRIVE_PID" ] && stop_pid "$DRIVE_PID" TERM 30
  [ -f "$WORK/daemon.pid" ] && stop_pid "$(cat "$WORK/daemon.pid")" TERM 15
  if [ -f "$WORK/nginx/nginx.pids" ]; then
    while read -r pid; do stop_pid "$pid" QUIT 5; done < "$WORK/nginx/nginx.pids"
  fi
  "$PM2" kill --no-color >/dev/null 2>&1 || true
  rm -f "$WORK/mem/access.json.log"* # the 1 GiB log
  if [ "${KEEP:-0}" = 1 ] || [ "$code" -ge 2 ]; then echo "watch bench: kept $WORK (daemon.log, data/deploys/)" >&2; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$PM2" ping --no-color >/dev/null
export BENCH_WORK=$WORK BENCH_REPO=$REPO BENCH_PM2=$PM2 BENCH_NGINX=$NGINX BENCH_RESULTS=$REPO/bench/results \
  BENCH_DAEMON_DLL=$REPO/src/FilmTrip.Hook/bin/Release/net10.0/filmtrip-hook.dll
# In the background and waited for: bash runs the INT/TERM traps only between commands, and `wait` is one.
timeout "${DEADLINE_S:-2400}" node "$HERE/drive.js" &
DRIVE_PID=$!
RC=0
wait "$DRIVE_PID" || RC=$?
DRIVE_PID=""
exit "$RC"
