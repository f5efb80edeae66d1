"""Runs a command under `/usr/bin/time -v` and measures it.

    python measure.py [--log-dir DIR] [--timeout SEC] -- CMD ARGS...

Reports (JSON on stdout): exit code, wall seconds and peak RSS of the largest
single process (both from time -v), and the peak of the summed RSS of the
whole process tree (sampled from /proc every 0.2 s; tools with worker
processes use more memory in total than any one process).  The command's
stdout, stderr and time -v report go to DIR/stdout, DIR/stderr, DIR/time.txt.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children_map():
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def tree_rss(pid):
    """Summed resident bytes of pid and all its descendants."""
    kids, total, stack = _children_map(), 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(kids.get(p, []))
    return total


def parse_time_v(text):
    wall = rss = None
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    if m:
        parts = [float(x) for x in m.group(1).split(":")]
        wall = sum(v * 60 ** (len(parts) - 1 - i) for i, v in enumerate(parts))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        rss = int(m.group(1)) * 1024
    return wall, rss


def run(cmd, log_dir, timeout=None, cwd=None, env=None):
    os.makedirs(log_dir, exist_ok=True)
    time_file = os.path.join(log_dir, "time.txt")
    start = time.monotonic()
    peak, timed_out = 0, False
    with open(os.path.join(log_dir, "stdout"), "wb") as out, open(os.path.join(log_dir, "stderr"), "wb") as err:
        proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", time_file] + list(cmd),
                                stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True)
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            if timeout and time.monotonic() - start > timeout:
                timed_out = True
                os.killpg(proc.pid, 9)
                proc.wait()
                break
            time.sleep(0.2)
    elapsed = time.monotonic() - start
    wall, rss = None, None
    if os.path.exists(time_file):
        with open(time_file) as f:
            wall, rss = parse_time_v(f.read())
    return {
        "command": list(cmd), "exit_code": proc.returncode, "timed_out": timed_out,
        "wall_seconds": wall if wall is not None else elapsed,
        "max_rss_bytes": rss, "tree_peak_rss_bytes": peak or None,
    }


def tail(path, lines=3):
    try:
        with open(path, errors="replace") as f:
            return " | ".join(line.strip() for line in f.read().strip().splitlines()[-lines:])
    except OSError:
        return ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--log-dir", default="measure-logs")
    ap.add_argument("--timeout", type=float)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("give a command after --")
    result = run(cmd, args.log_dir, args.timeout)
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["exit_code"] == 0 else 1)


if __name__ == "__main__":
    main()
