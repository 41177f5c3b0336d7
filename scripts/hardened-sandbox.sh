#!/usr/bin/env bash
# scripts/sandbox.sh (push -> deploy -> status -> rollback with real git, npm ci, a frontend build and pm2) with the
# daemon under systemd/filmtrip-hook.service's limits as far as they apply without systemd (scripts/unit-limits.sh),
# in cgroups with the unit's MemoryMax= and TasksMax=. Prints the peak memory and task count of the daemon and
# everything it ran. Needs root. pm2's own daemon runs outside the limits, as it does outside the unit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
unit="$root/systemd/filmtrip-hook.service"
setting() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
bytes() { numfmt --from=iec "$1"; }

name="filmtrip-hook-limits-$$"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  memory="/sys/fs/cgroup/$name"; pids="$memory"
  mkdir "$memory"
  bytes "$(setting MemoryMax)" > "$memory/memory.max"
  setting TasksMax > "$pids/pids.max"
  peak_file="$memory/memory.peak"
else
  memory="/sys/fs/cgroup/memory/$name"; pids="/sys/fs/cgroup/pids/$name"
  mkdir "$memory" "$pids"
  bytes "$(setting MemoryMax)" > "$memory/memory.limit_in_bytes"
  setting TasksMax > "$pids/pids.max"
  peak_file="$memory/memory.max_usage_in_bytes"
fi
peak_tasks="$(mktemp)"; echo 0 > "$peak_tasks"
cleanup() {
  [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
  rmdir "$memory" 2>/dev/null || true
  [ "$pids" != "$memory" ] && rmdir "$pids" 2>/dev/null || true
  rm -f "$peak_tasks"
}
trap cleanup EXIT
# Sampled, not waited on: the kernel keeps no peak task count in every cgroup version.
( while sleep 0.2; do n="$(cat "$pids/pids.current")"; [ "$n" -gt "$(cat "$peak_tasks")" ] && echo "$n" > "$peak_tasks"; done ) &
sampler=$!

sandbox="${FILMTRIP_SANDBOX:-$root/.sandbox}"
mkdir -p "$HOME/.npm" "$sandbox"
status=0
UNIT_LIMITS_CGROUPS="$memory/cgroup.procs $pids/cgroup.procs" UNIT_LIMITS_RW="$sandbox $HOME/.npm" \
  FILMTRIP_HOOK_WRAPPER="$root/scripts/unit-limits.sh" "$root/scripts/sandbox.sh" || status=$?

echo
echo "under the unit's limits (MemoryMax=$(setting MemoryMax), TasksMax=$(setting TasksMax)):"
echo "  peak memory of the daemon and its children: $(numfmt --to=iec "$(cat "$peak_file")")"
echo "  peak tasks (sampled every 0.2 s): $(cat "$peak_tasks")"
exit "$status"
