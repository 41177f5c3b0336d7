#!/usr/bin/env bash
# The main job on a local sandbox: push -> deploy -> status -> rollback, with the real daemon, git, npm and pm2.
# Everything lives in <repo>/.sandbox (or --dir DIR, or $FILMTRIP_SANDBOX; emptied first); every process it starts
# is stopped on exit (Ctrl-C included), unless --keep.
#   scripts/sandbox.sh               the backend under the Reload strategy (pm2 reload)
#   scripts/sandbox.sh --blue-green  the backend under BlueGreen: two pm2 colors behind a sandbox nginx on a high port
#   scripts/sandbox.sh --keep        leave the daemon and pm2 running, print CLI lines to try and the one line that stops them
#   scripts/sandbox.sh --dir DIR     the sandbox in DIR instead of <repo>/.sandbox (the tests use their own)
#   scripts/sandbox.sh --no-build    run the daemon as already built (Release), without `dotnet build` (the test run
#                                    built it: an up-to-date build still costs about 5 CPU-s of MSBuild)
set -euo pipefail
strategy=Reload
keep=false
build=true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/lib.sh"
sandbox="${FILMTRIP_SANDBOX:-$root/.sandbox}"
while [ $# -gt 0 ]; do
  case $1 in
    --blue-green) strategy=BlueGreen ;;
    --keep) keep=true ;;
    --no-build) build=false ;;
    --dir) [ $# -ge 2 ] || { echo "sandbox.sh: --dir needs a directory" >&2; exit 64; }; sandbox="$(realpath -m "$2")"; shift ;;
    *) echo "usage: scripts/sandbox.sh [--blue-green] [--keep] [--dir DIR] [--no-build]" >&2; exit 64 ;;
  esac
  shift
done
pm2="$(pm2_path)"
export PM2_HOME="$sandbox/pm2"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

stop_all() {
  local code=$?
  trap - EXIT INT TERM
  if [ "$keep" = true ] && [ "$code" -eq 0 ]; then exit 0; fi
  local pid="${daemon_pid:-$(cat "$sandbox/daemon.pid" 2>/dev/null || true)}"
  [ -n "$pid" ] && stop_pid "$pid" TERM 10
  rm -f "$sandbox/daemon.pid"
  if [ -f "$sandbox/nginx/nginx.pid" ]; then kill -QUIT "$(cat "$sandbox/nginx/nginx.pid")" 2>/dev/null || true; fi
  if [ -d "$PM2_HOME" ] && [ -x "$pm2" ]; then "$pm2" kill --no-color >/dev/null 2>&1 || true; fi
  echo
  echo "sandbox: $sandbox (daemon log: $sandbox/daemon.log, deploy logs: $sandbox/data/deploys/)"
  echo "stopped the daemon and the sandbox's pm2 (PM2_HOME=$PM2_HOME)."
  exit "$code"
}

# A run that was killed outright may have left its daemon and pm2 behind: stop them (by pid / PM2_HOME) first.
if [ -d "$sandbox" ]; then
  [ -f "$sandbox/daemon.pid" ] && kill "$(cat "$sandbox/daemon.pid")" 2>/dev/null || true
  [ -f "$sandbox/nginx/nginx.pid" ] && kill -QUIT "$(cat "$sandbox/nginx/nginx.pid")" 2>/dev/null || true
  [ -d "$PM2_HOME" ] && [ -x "$pm2" ] && "$pm2" kill --no-color >/dev/null 2>&1 || true
  rm -rf "$sandbox"
fi
trap stop_all EXIT INT TERM

daemon_dll="$root/src/FilmTrip.Hook/bin/Release/net10.0/filmtrip-hook.dll"
if [ "$build" = true ]; then
  say "Installing what is missing (pm2 into .tools/) and building the daemon"
  "$root/scripts/install-tools.sh"
  dotnet build "$root/src/FilmTrip.Hook/FilmTrip.Hook.csproj" -c Release --nologo -v quiet -clp:NoSummary >/dev/null
else
  say "Using the daemon as built (--no-build): $daemon_dll"
  "$root/scripts/install-tools.sh"
  [ -f "$daemon_dll" ] || { echo "sandbox.sh: --no-build, but $daemon_dll is not built (dotnet build -c Release)" >&2; exit 1; }
fi

say "Creating the sandbox in $sandbox"
mkdir -p "$sandbox"/{data,srv/backend/shared,srv/frontend,work}
git init -q --bare --initial-branch main "$sandbox/filmtrip.git"
git init -q --initial-branch main "$sandbox/work/filmtrip"
cp -r "$root/samples/filmtrip/." "$sandbox/work/filmtrip/"
rm -rf "$sandbox/work/filmtrip/backend/node_modules" "$sandbox/work/filmtrip/frontend/node_modules" "$sandbox/work/filmtrip/frontend/dist"
commit() {
  git -C "$sandbox/work/filmtrip" add -A
  git -C "$sandbox/work/filmtrip" -c user.name=Sandbox -c user.email=sandbox@example.com commit -q -m "$1"
  git -C "$sandbox/work/filmtrip" push -q --force "$sandbox/filmtrip.git" HEAD:refs/heads/main
  git -C "$sandbox/work/filmtrip" rev-parse HEAD
}
echo "NODE_ENV=production" > "$sandbox/srv/backend/shared/.env"
backend_port="$(free_port)"
strategy_json=""
if [ "$strategy" = BlueGreen ]; then
  # nginx in front of the backend, as on the server: the daemon rewrites the upstream file nginx includes.
  green_port="$(free_port)"; nginx_port="$(free_port)"; nginx="$(nginx_path)"
  mkdir -p "$sandbox/nginx"
  echo "server 127.0.0.1:$backend_port max_fails=3 fail_timeout=30s;" > "$sandbox/nginx/backend.upstream.conf"
  cat > "$sandbox/nginx/nginx.conf" <<NGINX
pid $sandbox/nginx/nginx.pid;
error_log $sandbox/nginx/error.log;
events {}
http {
  access_log off;
  upstream filmtrip_backend {
    include $sandbox/nginx/backend.upstream.conf;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://filmtrip_backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout http_502;
    }
  }
}
NGINX
  "$nginx" -p "$sandbox/nginx" -c "$sandbox/nginx/nginx.conf" -t -q
  "$nginx" -p "$sandbox/nginx" -c "$sandbox/nginx/nginx.conf"
  strategy_json="\"Strategy\": \"BlueGreen\", \"BlueGreen\": { \"Ports\": [ $backend_port, $green_port ],
        \"UpstreamFile\": \"$sandbox/nginx/backend.upstream.conf\", \"NginxPidFile\": \"$sandbox/nginx/nginx.pid\",
        \"NginxReload\": [ \"$nginx\", \"-p\", \"$sandbox/nginx\", \"-c\", \"$sandbox/nginx/nginx.conf\", \"-s\", \"reload\" ],
        \"Drain\": \"00:00:05\", \"KeepWarm\": \"00:10:00\" },"
fi
write_hook_config "$sandbox" "$(cat <<JSON
      "filmtrip-backend": {
        "Repository": "$sandbox/filmtrip.git", "GitHubRepository": "acme/filmtrip",
        "Subdirectory": "backend", "Paths": [ "backend/**" ], "Root": "$sandbox/srv/backend",
        "SharedFiles": [ ".env" ],
        "Build": [ [ "npm", "ci", "--omit=dev", "--no-audit", "--no-fund" ], [ "npm", "run", "migrate" ] ],
        "Environment": { "NODE_ENV": "production" },
        "Pm2": { "App": "filmtrip-backend", "Home": "$PM2_HOME", "Executable": "$pm2" },
        "Port": $backend_port,
        "HealthCheck": { "Url": "http://127.0.0.1:$backend_port/health", "Timeout": "00:00:30" },
        $strategy_json
        "KeepReleases": 5
      },
      "filmtrip-frontend": {
        "Repository": "$sandbox/filmtrip.git", "GitHubRepository": "acme/filmtrip",
        "Subdirectory": "frontend", "Paths": [ "frontend/**" ], "Root": "$sandbox/srv/frontend",
        "Build": [ [ "npm", "ci", "--no-audit", "--no-fund" ], [ "npm", "run", "build" ] ],
        "KeepReleases": 5
      }
JSON
)"
echo "config: $sandbox/hook.json (secret and token generated into $sandbox, mode 600)"

say "Starting pm2 (PM2_HOME=$PM2_HOME) and the daemon on 127.0.0.1"
"$pm2" ping --no-color >/dev/null
# FILMTRIP_HOOK_WRAPPER: a command the daemon runs under (scripts/unit-limits.sh: the systemd unit's limits).
# shellcheck disable=SC2086 # the wrapper is a command line
start_daemon "$daemon_dll" "$sandbox/hook.json" "$sandbox/daemon.log" ${FILMTRIP_HOOK_WRAPPER:-}
echo "$daemon_pid" > "$sandbox/daemon.pid"
api="$daemon_url"
echo "daemon: $api"

# Sends the push webhook exactly as GitHub would: JSON body, HMAC-SHA256 signature over the raw bytes, a delivery id.
push() {
  local sha="$1" body signature
  body="$(node -e 'const p=require(process.argv[1]);p.ref="refs/heads/main";p.after=process.argv[2];p.repository.full_name="acme/filmtrip";process.stdout.write(JSON.stringify(p))' \
    "$root/samples/github-payloads/push/with-new-branch.payload.json" "$sha")"
  signature="sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)"
  curl -fsS -X POST "$api/webhooks/github" -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \
    -H "X-GitHub-Delivery: $(node -e 'console.log(require("crypto").randomUUID())')" -H "X-Hub-Signature-256: $signature" \
    --data-binary "$body"
}

# Follows one deploy, printing each step as it finishes, until it ends.
follow() {
  local id="$1"
  node - "$api" "$id" "$token" <<'JS'
const [api, id, token] = process.argv.slice(2);
let shown = 0;
(async function poll() {
  const d = await (await fetch(`${api}/deploys/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  for (const s of d.steps.slice(shown)) console.log(`  ${d.deploy.service.padEnd(18)} ${s.succeeded ? 'ok  ' : 'FAIL'} ${s.name.padEnd(40)} ${s.durationSeconds.toFixed(2)}s`);
  shown = d.steps.length;
  if (['queued', 'running'].includes(d.deploy.state)) return setTimeout(poll, 200);
  console.log(`  ${d.deploy.service.padEnd(18)} => ${d.deploy.state}${d.deploy.error ? ': ' + d.deploy.error : ''}`);
  process.exitCode = d.deploy.state === 'succeeded' ? 0 : 1;
})();
JS
}

deploy_ids() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const d of JSON.parse(s).deploys)console.log(d.deployId)})'; }
backend_url="http://127.0.0.1:$backend_port"
[ "$strategy" = BlueGreen ] && backend_url="http://127.0.0.1:$nginx_port"
serving() {
  echo "  backend  $backend_url/version -> $(curl -fsS "$backend_url/version")"
  echo "  frontend $sandbox/srv/frontend/current/dist/index.html -> $(sed -n 's/.*id="version">\([^<]*\)<.*/\1/p' "$sandbox/srv/frontend/current/dist/index.html")"
}

say "Push 1: the first version of FilmTrip"
v1="$(commit "FilmTrip v1")"
response="$(push "$v1")"; echo "  webhook answered: $response"
for id in $(echo "$response" | deploy_ids); do follow "$id"; done
serving

say "Push 2: a change to backend and frontend"
echo 2 > "$sandbox/work/filmtrip/backend/VERSION"; echo 2 > "$sandbox/work/filmtrip/frontend/VERSION"
v2="$(commit "FilmTrip v2")"
response="$(push "$v2")"; echo "  webhook answered: $response"
for id in $(echo "$response" | deploy_ids); do follow "$id"; done
say "The new version is serving"
serving

say "GET /status"
curl -fsS -H "Authorization: Bearer $token" "$api/status" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(JSON.parse(s),null,2)))'

say "filmtrip-hook status (the operator CLI, same API)"
dotnet "$daemon_dll" status --config "$sandbox/hook.json" --url "$api"

say "POST /rollback to ${v1:0:12} (both services of the repository)"
response="$(curl -fsS -X POST "$api/rollback" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data "{\"commit\":\"${v1:0:12}\"}")"
echo "  rollback answered: $response"
for id in $(echo "$response" | deploy_ids); do follow "$id"; done
say "The old version is serving again"
serving
say "Done: push -> deploy -> status -> rollback worked"
[ "$keep" = true ] || exit 0

# --keep: a tag for rollback --tag, then what to try and how to stop.
git -C "$sandbox/work/filmtrip" tag -a -m "FilmTrip 1.0.0" v1.0.0 "$v1"
git -C "$sandbox/work/filmtrip" push -q "$sandbox/filmtrip.git" refs/tags/v1.0.0
cli="dotnet $daemon_dll"
stop="kill $(cat "$sandbox/daemon.pid")"
[ -f "$sandbox/nginx/nginx.pid" ] && stop="$stop; kill -QUIT $(cat "$sandbox/nginx/nginx.pid")"
stop="$stop; PM2_HOME=$PM2_HOME $pm2 kill"
say "The sandbox keeps running (daemon pid $(cat "$sandbox/daemon.pid"), pm2 in $PM2_HOME). Try the CLI:"
cat <<TRY
  $cli status --config $sandbox/hook.json --url $api
  $cli deploys --config $sandbox/hook.json --url $api
  $cli log $id --config $sandbox/hook.json --url $api
  $cli rollback --previous --wait --config $sandbox/hook.json --url $api
  $cli rollback --tag v1.0.0 --wait --config $sandbox/hook.json --url $api
  $cli deploy filmtrip-frontend --wait --config $sandbox/hook.json --url $api
  filmtrip-hook() { $cli "\$@"; }; source <(filmtrip-hook completion bash)   # then: filmtrip-hook <TAB>
TRY
say "Stop everything it started (by pid, and this sandbox's pm2 only):"
echo "  $stop"
