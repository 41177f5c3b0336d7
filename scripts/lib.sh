# Shared by scripts/ and bench/ (source it: `. "$root/scripts/lib.sh"`): where pm2 and nginx are, ports, waiting,
# stopping by pid, secrets, and starting the daemon. The JavaScript side is bench/lib/ (same rules).
#   FILMTRIP_PM2    the pm2 to use; else the repository's .tools/ install (scripts/install-tools.sh), else pm2 on PATH
#   FILMTRIP_NGINX  the nginx to use; else /usr/sbin/nginx (Debian's), else nginx on PATH
# The tests follow the same two variables (tests/FilmTrip.Hook.Tests/Support/Pm2Home.cs, NginxServer.cs).

filmtrip_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

pm2_path() {
  if [ -n "${FILMTRIP_PM2:-}" ]; then echo "$FILMTRIP_PM2"
  elif [ -x "$filmtrip_root/.tools/node_modules/.bin/pm2" ]; then echo "$filmtrip_root/.tools/node_modules/.bin/pm2"
  else command -v pm2 || echo "$filmtrip_root/.tools/node_modules/.bin/pm2"; fi
}

nginx_path() {
  if [ -n "${FILMTRIP_NGINX:-}" ]; then echo "$FILMTRIP_NGINX"
  elif [ -x /usr/sbin/nginx ]; then echo /usr/sbin/nginx
  else command -v nginx || echo nginx; fi
}

# A free port below the ephemeral range, for what the script configures itself (pm2 apps, nginx; see free-port.js).
# Not for the daemon: it binds port 0 and says which port it got (start_daemon).
free_port() { node "$(dirname "${BASH_SOURCE[0]}")/free-port.js"; }

# 64 hex digits from the system's random source (a webhook secret, an API token).
new_secret() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }

# write_hook_config DIR SERVICES: a new webhook secret and API token (set as $secret and $token, written to
# DIR/webhook-secret and DIR/api-token, mode 600) and DIR/hook.json naming them, with DIR/data as the data directory
# and SERVICES (the members of "Services", as JSON text) as its services.
write_hook_config() {
  secret="$(new_secret)"; token="$(new_secret)"
  (umask 077; printf '%s' "$secret" > "$1/webhook-secret"; printf '%s' "$token" > "$1/api-token")
  cat > "$1/hook.json" <<JSON
{
  "Hook": {
    "DataDirectory": "$1/data",
    "WebhookSecretFile": "$1/webhook-secret",
    "ApiTokenFile": "$1/api-token",
    "Services": {
$2
    }
  }
}
JSON
}

wait_http() { # url deadline_s
  local end=$((SECONDS + $2))
  until curl -fsS -m 1 -o /dev/null "$1" 2>/dev/null; do
    [ $SECONDS -lt $end ] || { echo "timeout waiting for $1" >&2; return 1; }; sleep 0.1
  done
}

stop_pid() { # pid signal deadline_s: the signal, then KILL once the deadline passes
  kill "-$2" "$1" 2>/dev/null || return 0
  for _ in $(seq 1 $(($3 * 10))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# start_daemon <dll> <config> <log> [wrapper...]: starts the daemon on 127.0.0.1 port 0 in the background, and sets
# daemon_pid and daemon_url (read back from its "Now listening on:" line) once /healthz answers. nohup and no stdin:
# a daemon left running (sandbox.sh --keep) outlives this script and its terminal.
start_daemon() {
  local dll="$1" config="$2" log="$3"; shift 3
  "$@" nohup dotnet "$dll" --config "$config" --urls "http://127.0.0.1:0" > "$log" 2>&1 < /dev/null &
  daemon_pid=$!
  daemon_url=""
  for _ in $(seq 1 300); do
    daemon_url="$(grep -o -m1 'Now listening on: http://127.0.0.1:[0-9]*' "$log" | grep -o 'http://.*' || true)"
    [ -n "$daemon_url" ] && curl -fs -m 1 "$daemon_url/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the daemon did not start:" >&2; cat "$log" >&2; return 1
}
