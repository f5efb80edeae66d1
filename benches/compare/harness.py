"""Runs the whole comparison on an assembled corpus (run.sh calls this after
fetching the corpus and building corpusledger).

    python harness.py --repo REPO --corpus DIR --work DIR [--thresholds 0.7,0.85]
        [--tools corpusledger,datasketch,rensa,datatrove] [--truth auto|rust|python]
        [--verify-sample 1500] [--timeout SEC] [--fresh] [--write-results]

Per threshold: exact truth (WORK/T/truth), brute-force check of it on a
subset, every tool under /usr/bin/time -v (WORK/T/<tool>/: logs, clusters.tsv,
metrics.json), then one markdown table on stdout and in WORK/results.md
(and benches/RESULTS.md with --write-results).  A tool that fails is reported
in the table and the others go on.
"""

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
from collections import Counter

import corpusledger_clusters
import measure
import metrics
import report
import verify_truth
from common import list_files, read_clusters, read_manifest, write_manifest

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = {
    "datasketch": ["peer_datasketch.py"],
    "rensa": ["peer_rensa.py"],
    "datatrove": ["peer_datatrove.py"],
    "datatrove-bigcode": ["peer_datatrove.py", "--tokenizer", "bigcode"],
}
TO_CLUSTER_STAGES = ("plan", "ingest+sign", "merge", "deduplicate")


def log(msg):
    print(f"[harness] {msg}", file=sys.stderr, flush=True)


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": kb / 2**20,
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version()}


def versions(binary):
    out = {}
    try:
        out["corpusledger"] = subprocess.run([binary, "--version"], capture_output=True,
                                             text=True).stdout.strip().split()[-1]
    except (OSError, IndexError):
        pass
    for name in ("datasketch", "rensa", "datatrove"):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def corpus_info(corpus, work, fresh):
    path = os.path.join(work, "docs.tsv")
    if fresh or not os.path.exists(path):
        log(f"writing the document manifest {path}")
        write_manifest(corpus, path)
    docs = read_manifest(path)
    parts = Counter(k.split("/", 1)[0] for k in docs)
    return path, docs, {
        "path": corpus, "files": len(list_files(corpus)), "documents": len(docs),
        "bytes": sum(v[0] for v in docs.values()),
        "short_documents": sum(1 for v in docs.values() if v[1] < 5), "parts": dict(parts),
    }


def truth(args, t, ndocs):
    out = os.path.join(args.work, str(t), "truth")
    info_path = os.path.join(out, "harness-truth.json")
    if not args.fresh and os.path.exists(info_path):
        with open(info_path) as f:
            info = json.load(f)
        if info.get("manifest_documents") == ndocs and info.get("mode") == args.truth:
            log(f"T={t}: reusing the truth in {out}")
            return out, info
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    info = None
    if args.truth in ("auto", "rust"):
        log(f"T={t}: building and running the Rust exact-truth example")
        build = subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "exact-truth"],
                               cwd=args.repo)
        exe = os.path.join(args.repo, "target", "release", "examples", "exact-truth")
        if build.returncode == 0:
            run = measure.run([exe, "--input", args.corpus, "--threshold", str(t), "--out", out],
                              os.path.join(out, "logs"))
            if run["exit_code"] == 0:
                info = {"implementation": "Rust `exact-truth` example", "run": run}
        if info is None:
            log(f"T={t}: the Rust example did not build or run (see {out}/logs)")
        if info is None and args.truth == "rust":
            sys.exit("the Rust exact-truth example failed")
    if info is None:
        log(f"T={t}: computing the truth with truth_py.py (slow)")
        run = measure.run([sys.executable, os.path.join(HERE, "truth_py.py"), "--input", args.corpus,
                           "--threshold", str(t), "--out", out], os.path.join(out, "logs-py"))
        if run["exit_code"] != 0:
            sys.exit(f"truth_py.py failed: {measure.tail(os.path.join(out, 'logs-py', 'stderr'))}")
        info = {"implementation": "truth_py.py (Python)", "run": run}
    with open(os.path.join(out, "stats.json")) as f:
        info.update(json.load(f))
    info["seconds"] = info["run"]["wall_seconds"]
    info["mode"], info["manifest_documents"] = args.truth, ndocs
    with open(info_path, "w") as f:
        json.dump(info, f, indent=2)
    return out, info


def run_corpusledger(args, t, tool_dir):
    out = os.path.join(tool_dir, "out")
    shutil.rmtree(out, ignore_errors=True)
    cmd = [args.binary, "run", "--input", args.corpus, "--out", out, "--tokenizer", "bigcode",
           "--ngram", "5", "--num-perm", "256", "--threshold", str(t), "--threads", "2",
           "--json", "--quiet"]
    run = measure.run(cmd, tool_dir, args.timeout)
    res = {"run": run}
    if run["exit_code"] not in (0, 1):  # 1: done, some input unreadable
        res["error"] = f"exit {run['exit_code']}: {measure.tail(os.path.join(tool_dir, 'stderr'))}"
        return res
    with open(os.path.join(tool_dir, "stdout")) as f:
        summary = json.load(f)
    stages = dict((name, secs) for name, secs in summary.get("stage-seconds", []))
    res["to_clusters_seconds"] = sum(stages.get(s, 0.0) for s in TO_CLUSTER_STAGES)
    res["stage_seconds"] = stages
    with open(os.path.join(out, "manifest.json")) as f:
        dedup = json.load(f).get("dedup", {})
    res["bands"], res["rows"] = dedup.get("bands"), dedup.get("rows")
    members, _ = corpusledger_clusters.read_clusters(out)
    sizes = Counter(members.values())
    with open(os.path.join(tool_dir, "clusters.tsv"), "w", encoding="utf-8") as f:
        for key in sorted(members):
            if sizes[members[key]] >= 2:
                f.write(f"{key}\t{members[key]}\n")
    if not args.keep_outputs:
        shutil.rmtree(out, ignore_errors=True)
    return res


def run_peer(args, tool, t, tool_dir):
    script, *extra = PEERS[tool]
    cmd = [sys.executable, os.path.join(HERE, script), "--corpus", args.corpus, "--threshold", str(t),
           "--out", os.path.join(tool_dir, "clusters.tsv"), "--stats", os.path.join(tool_dir, "stats.json"),
           "--workers", "2", "--num-perm", "256"] + extra
    if script == "peer_datatrove.py":
        cmd += ["--work", os.path.join(tool_dir, "scratch")]
    run = measure.run(cmd, tool_dir, args.timeout, env=dict(os.environ, PYTHONPATH=HERE))
    res = {"run": run}
    if run["exit_code"] != 0 or not os.path.exists(os.path.join(tool_dir, "stats.json")):
        why = "timed out" if run["timed_out"] else f"exit {run['exit_code']}"
        res["error"] = f"{why}: {measure.tail(os.path.join(tool_dir, 'stderr'), 1)}"
    else:
        with open(os.path.join(tool_dir, "stats.json")) as f:
            stats = json.load(f)
        res.update(to_clusters_seconds=stats["seconds_to_clusters"], bands=stats.get("bands"),
                   rows=stats.get("rows"), peer_stats=stats)
    shutil.rmtree(os.path.join(tool_dir, "scratch"), ignore_errors=True)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(HERE)))
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--thresholds", default="0.7,0.85")
    ap.add_argument("--tools", default="corpusledger,datasketch,rensa,datatrove")
    ap.add_argument("--binary", help="corpusledger binary [REPO/target/release/corpusledger]")
    ap.add_argument("--truth", choices=["auto", "rust", "python"], default="auto")
    ap.add_argument("--verify-sample", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--timeout", type=float, default=10800)
    ap.add_argument("--fresh", action="store_true")
    ap.add_argument("--keep-outputs", action="store_true", help="keep corpusledger's Parquet output")
    ap.add_argument("--write-results", action="store_true")
    ap.add_argument("--command", default="bash benches/compare/run.sh")
    args = ap.parse_args()
    args.corpus, args.work = os.path.abspath(args.corpus), os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    args.binary = args.binary or os.path.join(args.repo, "target", "release", "corpusledger")
    thresholds = [float(x) for x in args.thresholds.split(",") if x]
    tools = [x for x in args.tools.split(",") if x]
    unknown = [x for x in tools if x != "corpusledger" and x not in PEERS]
    if unknown:
        sys.exit(f"unknown tools: {unknown}")

    docs_path, docs, corpus = corpus_info(args.corpus, args.work, args.fresh)
    log(f"corpus: {corpus['documents']:,} documents, {corpus['bytes'] / 2**20:,.0f} MB")
    res = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "machine": machine(), "versions": versions(args.binary), "corpus": corpus,
           "command": args.command, "thresholds": thresholds, "truth": {}, "verify": {}, "runs": []}
    universe = set(docs)
    universe_long = {k for k, v in docs.items() if v[1] >= 5}  # documents with a shingle
    for t in thresholds:
        truth_dir, info = truth(args, t, len(docs))
        res["truth"][str(t)] = info
        log(f"T={t}: truth has {info['documents_in_groups']:,} documents in {info['groups']:,} groups")
        if info["documents"] != len(docs):
            log(f"WARNING: the truth read {info['documents']:,} documents, the document set has "
                f"{len(docs):,}; keys outside the set are left out of the scores")
        v = verify_truth.verify(args.corpus, truth_dir, t, docs_path, args.verify_sample, args.seed)
        res["verify"][str(t)] = v
        log(f"T={t}: truth check on {v['subset_documents']} documents: "
            f"{'agrees' if v['agree'] else 'DISAGREES'} ({v['brute_force_pairs']} pairs)")
        truth_clusters = read_clusters(os.path.join(truth_dir, "components.tsv"))
        info["short_in_groups"] = sum(1 for k in truth_clusters if k in docs and docs[k][1] < 5)
        for tool in tools:
            tool_dir = os.path.join(args.work, str(t), tool)
            shutil.rmtree(tool_dir, ignore_errors=True)
            os.makedirs(tool_dir)
            log(f"T={t}: running {tool}")
            r = run_corpusledger(args, t, tool_dir) if tool == "corpusledger" else run_peer(args, tool, t, tool_dir)
            r.update(tool=tool, threshold=t)
            if not r.get("error"):
                pred = read_clusters(os.path.join(tool_dir, "clusters.tsv"))
                r["metrics"] = metrics.score(truth_clusters, pred, universe)
                r["metrics_long"] = metrics.score(truth_clusters, pred, universe_long)
                with open(os.path.join(tool_dir, "metrics.json"), "w") as f:
                    json.dump(r["metrics"], f, indent=2)
                log(f"T={t}: {tool}: {r['run']['wall_seconds']:.1f} s, pairs F1 {r['metrics']['pairs_f1']:.3f}")
            else:
                log(f"T={t}: {tool} FAILED: {r['error']}")
            res["runs"].append(r)
            with open(os.path.join(args.work, "results.json"), "w") as f:
                json.dump(res, f, indent=2)
    text = report.markdown(res)
    with open(os.path.join(args.work, "results.md"), "w") as f:
        f.write(text)
    if args.write_results:
        report.write_keeping_manual(os.path.join(args.repo, "benches", "RESULTS.md"), text)
        log("wrote benches/RESULTS.md (its hand-written part kept)")
    print(text)


if __name__ == "__main__":
    main()
