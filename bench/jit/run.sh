#!/usr/bin/env bash
# The daemon's own CPU in its first minute, with the JIT settings the build ships and with the runtime's defaults,
# side by side: each round starts the daemon (no service deployed), sends 80 GET /status on new connections 100 ms
# apart (what the CLI, the dashboard or a test polling status does), and reads the daemon's utime+stime from /proc.
# The build (src/FilmTrip.Hook/FilmTrip.Hook.csproj) turns the instrumented tier (TieredPGO) off and re-JITs a
# method only after 2000 calls; DOTNET_TieredPGO=1 DOTNET_TC_CallCountThreshold=30 put the defaults back for a round.
#   bench/jit/run.sh [rounds]     (default 3 pairs; prints one line per round and the median ratio)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$repo/scripts/lib.sh" # write_hook_config, start_daemon, stop_pid
rounds="${1:-3}"
work="$(mktemp -d -t filmtrip-jit.XXXXXX)"
daemon_pid=""
trap '[ -n "$daemon_pid" ] && stop_pid "$daemon_pid" TERM 5; rm -rf "$work"' EXIT
dotnet build "$repo/src/FilmTrip.Hook/FilmTrip.Hook.csproj" -c Release --nologo -v quiet -clp:NoSummary >/dev/null
dll="$repo/src/FilmTrip.Hook/bin/Release/net10.0/filmtrip-hook.dll"
mkdir -p "$work/srv"
git init -q --bare "$work/repo.git"
write_hook_config "$work" "\"web\": { \"Repository\": \"$work/repo.git\", \"GitHubRepository\": \"acme/web\", \"Root\": \"$work/srv\" }" # sets $token

cpu() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }

one() { # [VAR=value...]: sets started (CPU s at /healthz) and ran (CPU s for the 80 requests)
  start_daemon "$dll" "$work/hook.json" "$work/daemon.log" env "$@"
  started="$(cpu "$daemon_pid")"
  for _ in $(seq 80); do curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$daemon_url/status"; sleep 0.1; done
  ran="$(awk -v a="$(cpu "$daemon_pid")" -v b="$started" 'BEGIN { printf "%.2f", a - b }')"
  stop_pid "$daemon_pid" TERM 5
  daemon_pid=""
}

ratios=()
for round in $(seq "$rounds"); do
  one; off_start=$started off_run=$ran
  one DOTNET_TieredPGO=1 DOTNET_TC_CallCountThreshold=30; on_start=$started on_run=$ran
  off=$(awk -v a="$off_start" -v b="$off_run" 'BEGIN { print a + b }'); on=$(awk -v a="$on_start" -v b="$on_run" 'BEGIN { print a + b }')
  ratio=$(awk -v a="$off" -v b="$on" 'BEGIN { printf "%.2f", a / b }')
  ratios+=("$ratio")
  echo "round $round: as built ${off_start}+${off_run} s, runtime defaults ${on_start}+${on_run} s of CPU (start + 80 requests); built/defaults $ratio"
done
echo "median built/defaults: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
