#!/usr/bin/python3
"""Runs a command under the system-call rules of a systemd unit, applied with libseccomp as systemd would.

Usage: unit-limits-seccomp.py UNIT -- COMMAND [ARGS...]

From UNIT: SystemCallFilter= (its lines in order, groups expanded by `systemd-analyze syscall-filter`),
SystemCallErrorNumber= (refused calls fail with it), SystemCallArchitectures=native (libseccomp's default: only
the native ABI), RestrictAddressFamilies= (socket(2) by family), RestrictNamespaces= (unshare/clone/setns flags;
clone3 gets ENOSYS so libc falls back to clone, as under systemd) and RestrictRealtime=. Differences from systemd:
a refused address family fails with the error number instead of EAFNOSUPPORT; LockPersonality= is not applied.
For scripts/hardened-sandbox.sh, on a machine where systemd is not PID 1.
"""
import ctypes
import errno
import os
import socket
import subprocess
import sys

ALLOW = 0x7FFF0000
CMP_EQ, CMP_MASKED_EQ = 4, 7
NAMESPACE_FLAGS = {"cgroup": 0x02000000, "ipc": 0x08000000, "net": 0x40000000, "pid": 0x20000000,
                   "user": 0x10000000, "uts": 0x04000000, "mnt": 0x00020000}


class Arg(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


def errno_action(number):
    return 0x00050000 | (number & 0xFFFF)


def settings(unit):
    """Each Key=value of the [Service] section, in order (a key may repeat)."""
    pairs = []
    for line in open(unit, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            pairs.append((key.strip(), value.strip()))
    return pairs


def groups():
    """@group -> its members, as `systemd-analyze syscall-filter` lists them."""
    result, current = {}, None
    listing = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager"], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if line.startswith("@"):
            current = result.setdefault(text, [])
        elif current is not None:
            current.append(text)
    return result


def expand(names, table):
    out = set()
    for name in names:
        out |= expand(table.get(name, []), table) if name.startswith("@") else {name}
    return out


def allowed_calls(pairs):
    """SystemCallFilter= lines in order: the first without '~' makes an allow list; later lines add or remove."""
    table, allowed = groups(), set()
    for key, value in pairs:
        if key != "SystemCallFilter" or not value:
            continue
        deny = value.startswith("~")
        names = expand(value.lstrip("~").split(), table)
        allowed = allowed - names if deny else allowed | names
    return allowed


def main():
    unit, command = sys.argv[1], sys.argv[sys.argv.index("--") + 1:]
    pairs = settings(unit)
    values = dict(pairs)
    lib = ctypes.CDLL("libseccomp.so.2", use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(Arg)]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]

    refused = errno_action(getattr(errno, values.get("SystemCallErrorNumber", "EPERM")))
    ctx = lib.seccomp_init(refused)

    def rule(action, call, *args):
        number = lib.seccomp_syscall_resolve_name(call.encode())
        if number < 0:
            return  # not a call of this architecture
        array = (Arg * len(args))(*args) if args else None
        if lib.seccomp_rule_add_array(ctx, action, number, len(args), array) != 0:
            raise SystemExit(f"unit-limits-seccomp: cannot add a rule for {call}")

    special = {"socket", "unshare", "clone", "clone3", "setns", "sched_setscheduler"}
    allowed = allowed_calls(pairs)
    for call in sorted(allowed - special):
        rule(ALLOW, call)

    families = values.get("RestrictAddressFamilies", "").split()
    for family in families if "socket" in allowed else []:
        rule(ALLOW, "socket", Arg(0, CMP_EQ, getattr(socket, family), 0))

    restricted = values.get("RestrictNamespaces", "")
    forbidden = sum(NAMESPACE_FLAGS[n] for n in restricted.lstrip("~").split()) if restricted.startswith("~") else 0
    for call, arg in (("unshare", 0), ("clone", 0), ("setns", 1)):
        if call in allowed:
            rule(ALLOW, call, Arg(arg, CMP_MASKED_EQ, forbidden, 0))
    if "clone3" in allowed:
        rule(errno_action(errno.ENOSYS) if forbidden else ALLOW, "clone3")

    if "sched_setscheduler" in allowed:
        # RestrictRealtime=: SCHED_OTHER, SCHED_BATCH and SCHED_IDLE only (SCHED_RESET_ON_FORK may be or-ed in).
        policies = (0, 3, 5) if values.get("RestrictRealtime") == "yes" else range(8)
        for policy in policies:
            rule(ALLOW, "sched_setscheduler", Arg(1, CMP_MASKED_EQ, 0x3FFFFFFF, policy))

    if lib.seccomp_load(ctx) != 0:
        raise SystemExit("unit-limits-seccomp: seccomp_load failed")
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
