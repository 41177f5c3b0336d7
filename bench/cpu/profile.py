#!/usr/bin/env python3
"""Where a command's CPU goes, by kind of process: runs the command and, every 0.3 s until it ends, reads
utime+stime of every process on the machine from /proc (so run it on a quiet machine), summing what each process used while it was seen (a process that lived
less than a sample is missed; processes that ran before the command started count only from then on). Prints
CPU-seconds, share and process count per kind (the test host, the daemon and CLI runs of filmtrip-hook, pm2's CLI,
pm2's daemon and bridge, the node apps, npm, nginx, Chromium, git, builds).

    bench/cpu/profile.py -- scripts/test.sh --no-build
"""
import collections, os, subprocess, sys, time

CLK = os.sysconf('SC_CLK_TCK')


def kind(cmd):
    # Before the test host: the tests run the daemon from their own output directory (FilmTrip.Hook.Tests/bin/...).
    if 'filmtrip-hook.dll' in cmd: return 'filmtrip-hook (daemon or CLI)'
    if 'FilmTrip.Hook.Tests' in cmd or 'testhost' in cmd: return 'test host'
    if 'dotnet' in cmd and ('build' in cmd or 'MSBuild' in cmd or 'VBCSCompiler' in cmd): return 'dotnet build'
    if 'dotnet' in cmd: return 'dotnet, other'
    if 'FILMTRIP_PM2_PACKAGE' in cmd or 'getMonitorData' in cmd: return 'pm2 bridge'
    if 'PM2 v' in cmd or 'God Daemon' in cmd: return 'pm2 daemon'
    if '.bin/pm2' in cmd or 'pm2/bin' in cmd: return 'pm2 CLI'
    if 'npm' in cmd: return 'npm'
    if 'chrom' in cmd: return 'chromium'
    if 'nginx' in cmd: return 'nginx'
    if cmd.startswith('node') or '/node ' in cmd: return 'node apps'
    if cmd.startswith('git') or '/git' in cmd: return 'git'
    return 'other'


def sample(seen, total, procs, baseline):
    for name in os.listdir('/proc'):
        if not name.isdigit(): continue
        try:
            with open(f'/proc/{name}/stat') as f: stat = f.read()
            fields = stat[stat.rfind(')') + 2:].split()
            cpu, started = int(fields[11]) + int(fields[12]), int(fields[19])
            key = (int(name), started)
            if key not in seen:
                with open(f'/proc/{name}/cmdline') as f: cmd = f.read().replace('\0', ' ').strip() or fields[0]
                seen[key] = [kind(cmd), baseline.get(key, 0)]
                procs[seen[key][0]] += 1
            k, last = seen[key]
            total[k] += cpu - last
            seen[key][1] = cpu
        except (OSError, IndexError, ValueError):
            pass


def machine_busy():
    with open('/proc/stat') as f: fields = [int(x) for x in f.readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # all but idle and iowait


def main():
    args = sys.argv[1:]
    if args[:1] == ['--']: args = args[1:]
    if not args: sys.exit(__doc__)
    seen, total, procs = {}, collections.Counter(), collections.Counter()
    baseline_seen = {}
    sample(baseline_seen, collections.Counter(), collections.Counter(), {})
    baseline = {key: cpu for key, (_, cpu) in baseline_seen.items()}
    machine_before = machine_busy()
    child = subprocess.Popen(args)
    while child.poll() is None:
        sample(seen, total, procs, baseline)
        time.sleep(0.3)
    sample(seen, total, procs, baseline)
    all_cpu = sum(total.values()) or 1
    print(f'\n{"CPU s":>8} {"share":>6} {"procs":>6}  kind')
    for k, v in total.most_common():
        print(f'{v / CLK:8.1f} {100 * v / all_cpu:5.1f}% {procs[k]:6d}  {k}')
    print(f'{all_cpu / CLK:8.1f}  in all processes seen')
    # Processes that lived less than a sample (git, short CLI and pm2 calls, curl) are only in the machine's total.
    print(f'{(machine_busy() - machine_before) / CLK:8.1f}  busy on the whole machine (/proc/stat)')
    sys.exit(child.returncode)


main()
