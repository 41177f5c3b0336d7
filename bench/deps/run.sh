#!/usr/bin/env bash
# Dependency-reuse bench (issue 11 point 7): what an isolated node_modules reuse costs next to today's hard links
# and a full copy, with the real daemon (Release build), git and npm, side by side in one run, interleaved:
#   overlay   ext4 Root: hard links + each build step in a private overlayfs, then its writes folded in
#   copy      ext4 Root, with a daemon whose `unshare` fails as under a unit that forbids namespaces: full copy
#   reflink   xfs (reflink=1) Root on a loop device: FICLONE per file   (only as root with mkfs.xfs; else a miss)
# for two trees: samples/filmtrip-express/backend and bench/deps/heavy (NestJS, TypeORM, aws-sdk, googleapis,
# prisma, sharp). Each build is [npm ci (skipped when reused), node generate.js]: generate.js does to node_modules
# what `prisma generate` does (rewrites a file in place, writes a generated client). The daemon's own step timings
# are read from GET /deploys/{id}; `cp -al` / `cp -a` / `cp -a --reflink=always` of the same tree are printed as
# a cross-check. Prints a table with ratios and writes bench/results/deps-<timestamp>.json.
#
#   bench/deps/run.sh                      # ROUNDS=3, both trees
#   TREES=express ROUNDS=5 bench/deps/run.sh
#   KEEP=1 bench/deps/run.sh               # leaves the work directory (deploy logs) behind
set -euo pipefail
ROUNDS=${ROUNDS:-3}; TREES=${TREES:-express,heavy}; DEADLINE_S=${DEADLINE_S:-2400}; KEEP=${KEEP:-0}
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d /tmp/filmtrip-deps.XXXXXX)"
driver_pid=""; xfs_mounted=0

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  # The driver stops the daemons it started (by pid) on its way out; TERM lets it.
  if [ -n "$driver_pid" ] && kill -0 "$driver_pid" 2>/dev/null; then
    kill "$driver_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$driver_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  [ "$xfs_mounted" = 1 ] && { umount "$work/xfs" || umount -l "$work/xfs" || true; }
  rm -f "$work/xfs.img"
  if [ "$KEEP" = 1 ] || [ "$code" != 0 ]; then echo "deps: work directory kept: $work" >&2; else rm -rf "$work"; fi
  exit "$code"
}
trap cleanup EXIT INT TERM

echo "deps: a Release build of the daemon" >&2
dotnet build "$repo/src/FilmTrip.Hook" -c Release --nologo -v quiet -clp:NoSummary >/dev/null

# A filesystem with reflinks, when this machine can make one (root, mkfs.xfs, a loop device).
xfs=""
if [ "$(id -u)" = 0 ] && command -v mkfs.xfs >/dev/null; then
  mkdir -p "$work/xfs"
  truncate -s 6G "$work/xfs.img"
  if mkfs.xfs -q -m reflink=1 "$work/xfs.img" && mount -o loop "$work/xfs.img" "$work/xfs"; then
    xfs_mounted=1; xfs="$work/xfs"
  else echo "deps: no xfs loop mount here: the reflink column is a miss" >&2; fi
else echo "deps: not root or no mkfs.xfs: the reflink column is a miss" >&2; fi

# The copy daemon's unshare fails as it does under RestrictNamespaces= (EPERM), so its probe falls back to copying.
mkdir -p "$work/no-namespaces"
printf '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n' > "$work/no-namespaces/unshare"
chmod +x "$work/no-namespaces/unshare"

mkdir -p "$repo/bench/results"
out="$repo/bench/results/deps-$(date -u +%Y%m%dT%H%M%SZ).json"
# Bounded: timeout TERMs the driver, which stops its daemons.
timeout "$DEADLINE_S" node "$repo/bench/deps/bench.mjs" --repo "$repo" --work "$work" --xfs "$xfs" --trees "$TREES" --rounds "$ROUNDS" \
  --daemon-dll "$repo/src/FilmTrip.Hook/bin/Release/net10.0/filmtrip-hook.dll" --out "$out" &
# In the background and waited for: bash runs the Ctrl-C trap only between commands, and `wait` is one.
driver_pid=$!
wait "$driver_pid"
driver_pid=""
echo "deps: figures written to ${out#"$repo"/}" >&2
