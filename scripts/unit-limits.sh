#!/usr/bin/env bash
# Runs a command (the daemon) under the limits of systemd/filmtrip-hook.service that can be applied without systemd
# as PID 1 (this repository's machines and CI), so scripts/hardened-sandbox.sh shows real deploys work under them.
# Needs root (it drops every capability before the command runs). Each step execs the next: the command keeps this
# script's pid, so whoever started it stops it by that pid.
#
#   UNIT_LIMITS_CGROUPS  cgroup.procs files to join first (MemoryMax=, TasksMax=; made by hardened-sandbox.sh)
#   UNIT_LIMITS_RW       paths that stay writable (ReadWritePaths=, here the sandbox's and npm's)
#   UNIT_LIMITS_USER     run as this user (User=); by default root, without any capability
#
# Applied: MemoryMax, TasksMax, ProtectSystem=strict + ReadWritePaths, ProtectHome=read-only, PrivateTmp,
# PrivateDevices, ProtectProc=default, ProtectKernelTunables, ProtectControlGroups, CapabilityBoundingSet= and
# AmbientCapabilities= (all capabilities dropped), NoNewPrivileges, UMask, the system-call rules
# (scripts/unit-limits-seccomp.py), and User= when UNIT_LIMITS_USER is set. Not applied: PrivateMounts,
# ProtectKernelLogs, ProtectClock, ProtectHostname, RemoveIPC, KeyringMode, LockPersonality, RestrictSUIDSGID.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
unit="$(dirname "$here")/systemd/filmtrip-hook.service"
setting() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }

if [ "${1:-}" != "--inside" ]; then
  for procs in ${UNIT_LIMITS_CGROUPS:-}; do echo $$ > "$procs"; done
  exec unshare --mount --propagation private -- "$0" --inside "$@"
fi
shift

# The unit and the seccomp script may live under /tmp (a clone there): keep copies before /tmp is replaced.
unit_text="$(cat "$unit")"
seccomp_text="$(cat "$here/unit-limits-seccomp.py")"

# PrivateTmp= and PrivateDevices=: a fresh /tmp, and a /dev with only the harmless pseudo-devices.
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mkdir -m 700 /tmp/.unit-limits
printf '%s\n' "$unit_text" > /tmp/.unit-limits/filmtrip-hook.service
printf '%s\n' "$seccomp_text" > /tmp/.unit-limits/unit-limits-seccomp.py
chmod 644 /tmp/.unit-limits/*
chmod 711 /tmp/.unit-limits
unit=/tmp/.unit-limits/filmtrip-hook.service
mkdir /tmp/.dev && mount -t tmpfs -o mode=755,nosuid,noexec tmpfs /tmp/.dev
for device in null zero full random urandom tty; do touch "/tmp/.dev/$device"; mount --bind "/dev/$device" "/tmp/.dev/$device"; done
mkdir /tmp/.dev/pts /tmp/.dev/shm
mount --bind /dev/pts /tmp/.dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp/.dev/shm
ln -s pts/ptmx /tmp/.dev/ptmx
mount --move /tmp/.dev /dev
rmdir /tmp/.dev 2>/dev/null || true

# ProtectProc=default (BlueGreen reads nginx's workers from /proc): a fresh /proc of the same kind.
mount -t proc -o nosuid,nodev,noexec proc /proc

# ProtectSystem=strict, ProtectHome=read-only, ProtectKernelTunables=, ProtectControlGroups=: ReadWritePaths= become
# mounts of their own while everything is writable (a bind mount keeps its source's read-only flag), then every
# other mount is made read-only (the fresh /tmp, /dev and /proc stay as they are).
writable=" "
for path in ${UNIT_LIMITS_RW:-}; do mount --bind "$path" "$path"; writable+="$path "; done
awk '{print $5}' /proc/self/mountinfo | sort -u | while read -r target; do
  case "$target" in /tmp|/tmp/*|/dev|/dev/*|/proc) continue ;; esac
  case "$writable" in *" $target "*) continue ;; esac
  mount -o remount,bind,ro "$target" 2>/dev/null || true
done
mount --bind -o ro /proc/sys /proc/sys

umask "$(setting UMask)"
# CapabilityBoundingSet=, AmbientCapabilities=, NoNewPrivileges=: root without any capability from here on.
user=()
[ -n "${UNIT_LIMITS_USER:-}" ] && user=(--reuid="$(id -u "$UNIT_LIMITS_USER")" --regid="$(id -g "$UNIT_LIMITS_USER")" --clear-groups)
exec setpriv "${user[@]}" --no-new-privs --bounding-set=-all --inh-caps=-all --ambient-caps=-all -- \
  /usr/bin/python3 /tmp/.unit-limits/unit-limits-seccomp.py "$unit" -- "$@"
