#!/usr/bin/env bash
# The benchmark: the seed's production topology on 127.0.0.1, driven by signed webhooks and POST /rollback
# while bench/load.js hits nginx. Prints one table and writes the same figures to bench/results/<time>.json;
# then the BlueGreen bench (issue 10, bench/bluegreen/drive.js) prints its own and writes bluegreen-<time>.json.
#
#   bench/run.sh                # everything, faults included (about 20 minutes on 2 cores)
#   bench/run.sh --no-faults    # the measured rows only
#   ONLY=faults bench/run.sh    # the fault scenarios only;  ONLY=bluegreen: the BlueGreen bench only
#   BLUEGREEN=0 bench/run.sh    # without the BlueGreen bench
#   CLIENTS=16 PAIRS=3 PUSHES=250 ROUNDS=3 STABLE_FOR=00:00:01 KEEP=1 bench/run.sh
#
# Stands up: nginx from bench/nginx/filmtrip.conf.template (its pid), pm2 in a temporary PM2_HOME (pm2 kill on
# exit), a canary "other tenant" pm2 app with its own directory and port, and the Release build of the daemon
# (bench/drive.js starts it; its pid in $WORK/daemon.pid). The BlueGreen bench adds its own daemon, repository and
# one nginx per backend under $WORK/bluegreen (pids in daemon.pid and nginx/nginx.pids there).
# Everything is stopped on exit, Ctrl-C included.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/.." && pwd)
. "$REPO/scripts/lib.sh" # pm2_path, nginx_path (FILMTRIP_PM2, FILMTRIP_NGINX), free_port, wait_http, stop_pid
FAULTS=1
for arg in "$@"; do
  case $arg in
    --faults) FAULTS=1 ;;
    --no-faults) FAULTS=0 ;;
    *) echo "usage: bench/run.sh [--faults|--no-faults]" >&2; exit 64 ;;
  esac
done

"$REPO/scripts/install-tools.sh"
PM2=$(pm2_path)
NGINX=$(nginx_path)
echo "bench: building the daemon (Release)" >&2
dotnet build "$REPO/src/FilmTrip.Hook/FilmTrip.Hook.csproj" -c Release --nologo -v quiet -clp:NoSummary >/dev/null
DLL=$REPO/src/FilmTrip.Hook/bin/Release/net10.0/filmtrip-hook.dll

WORK=$(mktemp -d /tmp/filmtrip-bench.XXXXXX)
chmod 755 "$WORK" # nginx's workers (nobody, when started as root) read the frontend under it
export PM2_HOME=$WORK/pm2
NGINX_PID=""; DRIVE_PID=""
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  [ -n "$DRIVE_PID" ] && stop_pid "$DRIVE_PID" TERM 20
  for pidfile in "$WORK/daemon.pid" "$WORK/bluegreen/daemon.pid"; do
    [ -f "$pidfile" ] && stop_pid "$(cat "$pidfile")" TERM 15
  done
  "$PM2" kill --no-color >/dev/null 2>&1 || true
  [ -n "$NGINX_PID" ] && stop_pid "$NGINX_PID" QUIT 5
  if [ -f "$WORK/bluegreen/nginx/nginx.pids" ]; then
    while read -r pid; do stop_pid "$pid" QUIT 5; done < "$WORK/bluegreen/nginx/nginx.pids"
  fi
  if [ "${KEEP:-0}" = 1 ] || [ "$code" -ge 2 ]; then echo "bench: kept $WORK (daemon.log, data/deploys/, nginx/error.log)" >&2; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export BACKEND_PORT=$(free_port) API_PORT=$(free_port) WEB_PORT=$(free_port) CANARY_PORT=$(free_port)

# nginx with the seed's config.
export PREFIX=$WORK/nginx FRONTEND_ROOT=$WORK/srv/frontend
mkdir -p "$PREFIX" "$FRONTEND_ROOT"
envsubst '${PREFIX} ${BACKEND_PORT} ${API_PORT} ${WEB_PORT} ${FRONTEND_ROOT}' < "$HERE/nginx/filmtrip.conf.template" > "$PREFIX/nginx.conf"
"$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" 2>>"$PREFIX/stderr.log" &
NGINX_PID=$!
wait_http "http://127.0.0.1:$API_PORT/health" 10

# pm2 in its own PM2_HOME, and the other tenant: its own directory and port.
"$PM2" ping --no-color >/dev/null
export CANARY_DIR=$WORK/srv/other-service-a
mkdir -p "$CANARY_DIR"
echo "require('http').createServer((q, s) => s.end('other tenant')).listen($CANARY_PORT, '127.0.0.1');" > "$CANARY_DIR/server.js"
"$PM2" start "$CANARY_DIR/server.js" --name other-service-a --no-color >/dev/null
wait_http "http://127.0.0.1:$CANARY_PORT/" 20

echo "bench: nginx api :$API_PORT web :$WEB_PORT, backend :$BACKEND_PORT, canary :$CANARY_PORT, work $WORK (the daemon binds a port of its own)" >&2
export BENCH_WORK=$WORK BENCH_REPO=$REPO BENCH_PM2=$PM2 BENCH_NGINX=$NGINX BENCH_DAEMON_DLL=$DLL BENCH_FAULTS=$FAULTS \
  BENCH_RESULTS=$HERE/results
# Each driver in the background and waited for: bash runs the INT/TERM traps only between commands, and `wait` is one.
# Exit codes: 0 every goal met, 1 a goal missed, 2 and up the run broke (then the work directory is kept).
run_driver() {
  node "$1" &
  DRIVE_PID=$!
  local rc=0
  wait "$DRIVE_PID" || rc=$?
  DRIVE_PID=""
  return "$rc"
}
RC=0
if [ "${ONLY:-}" != bluegreen ]; then
  run_driver "$HERE/drive.js" || RC=$?
  [ "$RC" -lt 2 ] || exit "$RC"
fi
if [ "${ONLY:-}" != faults ] && [ "${BLUEGREEN:-1}" = 1 ]; then
  BG_RC=0
  run_driver "$HERE/bluegreen/drive.js" || BG_RC=$?
  [ "$BG_RC" -le "$RC" ] || RC=$BG_RC
fi
exit "$RC"
