#!/usr/bin/env bash
# Fast-deploy bench (issue 6): how long an ordinary push takes from webhook received to healthy, with the real
# daemon (Release build), git, npm, Vite and pm2, on samples/filmtrip-express (Express backend with ~280 npm
# packages in pm2 cluster mode, Vite frontend). Side by side in one run, interleaved, ROUNDS times each:
#   backend-cold   the lockfile changed: npm ci runs        (plus the very first deploy, reported apart)
#   backend-code   only backend/VERSION or a .js changed: node_modules hard-linked from the live release
#   frontend-code  only frontend/ changed: the backend must be `skipped` and keep its pm2 pids
# Prints a table and writes bench/results/fast-deploy-<timestamp>.json. Everything listens on 127.0.0.1; the
# daemon is stopped by pid and pm2 by its own temporary PM2_HOME on exit (Ctrl-C included); the run is bounded
# by DEADLINE_S.
#
#   bench/fast-deploy.sh                 # ROUNDS=3
#   ROUNDS=5 KEEP=1 bench/fast-deploy.sh # KEEP=1 leaves the work directory (deploy logs) behind
set -euo pipefail
ROUNDS=${ROUNDS:-3}; DEADLINE_S=${DEADLINE_S:-1500}; KEEP=${KEEP:-0}
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$repo/scripts/lib.sh" # pm2_path (FILMTRIP_PM2), free_port, write_hook_config, stop_pid, start_daemon
pm2="$(pm2_path)"
work="$(mktemp -d /tmp/filmtrip-fast.XXXXXX)"
export PM2_HOME="$work/pm2"
daemon_pid=""; watchdog_pid=""; driver_pid=""

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  [ -n "$watchdog_pid" ] && kill "$watchdog_pid" 2>/dev/null || true
  [ -n "$driver_pid" ] && kill "$driver_pid" 2>/dev/null || true
  [ -n "$daemon_pid" ] && stop_pid "$daemon_pid" TERM 10
  # Only this run's pm2: PM2_HOME is the temporary one above, never ~/.pm2.
  if [ -d "$PM2_HOME" ] && [ -x "$pm2" ]; then "$pm2" kill --no-color >/dev/null 2>&1 || true; fi
  if [ "$KEEP" = 1 ] || [ "$code" != 0 ]; then echo "fast-deploy: work directory kept: $work" >&2; else rm -rf "$work"; fi
  exit "$code"
}
trap cleanup EXIT INT TERM
# Bounded: the whole run gets DEADLINE_S, then it is stopped (and cleaned up by the trap).
# The watchdog's sleep holds no output pipe and dies with it, so nothing outlives the run.
(
  trap 'kill "$sleep_pid" 2>/dev/null; exit 0' TERM
  sleep "$DEADLINE_S" >/dev/null 2>&1 & sleep_pid=$!
  wait "$sleep_pid"
  echo "fast-deploy: deadline of ${DEADLINE_S}s reached, stopping" >&2
  kill -TERM $$
) </dev/null &
watchdog_pid=$!

echo "fast-deploy: tools and a Release build of the daemon" >&2
"$repo/scripts/install-tools.sh" >&2
dotnet build "$repo/src/FilmTrip.Hook" -c Release --nologo -v quiet -clp:NoSummary >/dev/null
daemon_dll="$repo/src/FilmTrip.Hook/bin/Release/net10.0/filmtrip-hook.dll"

echo "fast-deploy: seeding $work from samples/filmtrip-express" >&2
mkdir -p "$work"/{data,srv/backend/shared,srv/frontend}
git init -q --bare --initial-branch main "$work/filmtrip.git"
git init -q --initial-branch main "$work/clone"
cp -r "$repo/samples/filmtrip-express/." "$work/clone/"
rm -rf "$work/clone/backend/node_modules" "$work/clone/frontend/node_modules" "$work/clone/frontend/dist" "$work/clone/backend/MIGRATED"
echo "NODE_ENV=production" > "$work/srv/backend/shared/.env"
backend_port="$(free_port)"
write_hook_config "$work" "$(cat <<JSON
      "backend": {
        "Repository": "$work/filmtrip.git", "GitHubRepository": "acme/filmtrip",
        "Subdirectory": "backend", "Paths": [ "backend/**" ], "Root": "$work/srv/backend",
        "SharedFiles": [ ".env" ],
        "Build": [
          { "Run": [ "npm", "ci", "--omit=dev", "--no-audit", "--no-fund" ], "SkipWhenDependenciesUnchanged": true },
          [ "npm", "run", "migrate" ]
        ],
        "Environment": { "NODE_ENV": "production" },
        "Pm2": { "App": "filmtrip-express-backend", "Home": "$PM2_HOME", "Executable": "$pm2" },
        "Port": $backend_port,
        "HealthCheck": { "Url": "http://127.0.0.1:$backend_port/health", "Timeout": "00:00:30" },
        "KeepReleases": 3
      },
      "frontend": {
        "Repository": "$work/filmtrip.git", "GitHubRepository": "acme/filmtrip",
        "Subdirectory": "frontend", "Paths": [ "frontend/**" ], "Root": "$work/srv/frontend",
        "Build": [
          { "Run": [ "npm", "ci", "--no-audit", "--no-fund" ], "SkipWhenDependenciesUnchanged": true },
          [ "npm", "run", "build" ]
        ],
        "KeepReleases": 3
      }
JSON
)"

echo "fast-deploy: pm2 (PM2_HOME=$PM2_HOME) and the daemon on 127.0.0.1" >&2
"$pm2" ping --no-color >/dev/null
start_daemon "$daemon_dll" "$work/hook.json" "$work/daemon.log"

mkdir -p "$repo/bench/results"
out="$repo/bench/results/fast-deploy-$(date -u +%Y%m%dT%H%M%SZ).json"
node "$repo/bench/fast/bench.mjs" \
  --api "$daemon_url" --secret-file "$work/webhook-secret" --token-file "$work/api-token" --clone "$work/clone" --bare "$work/filmtrip.git" \
  --pm2 "$pm2" --pm2-app filmtrip-express-backend --backend-url "http://127.0.0.1:$backend_port" \
  --frontend-root "$work/srv/frontend" --payload "$repo/samples/github-payloads/push/with-new-branch.payload.json" \
  --rounds "$ROUNDS" --out "$out" &
# In the background and waited for: bash runs the deadline's TERM trap only between commands, and `wait` is one.
driver_pid=$!
wait "$driver_pid"
driver_pid=""
echo "fast-deploy: figures written to ${out#"$repo"/}" >&2
