#!/usr/bin/env python3
"""Scaling benchmark of the staged pipeline (docs/cluster.md): for each
corpus size and each shard count, every stage as separate processes, as a
Slurm array would run them, each timed for wall, CPU and peak RSS; then the
planted copies (benches/scale/gen.py's truth file) are looked up in the
ledger. Writes results.json in the work folder and RESULTS.md.

    python3 benches/scale/run.py --docs 20000,50000 --shards 8,32

See benches/scale/README.md. Standard library only, but reading the Parquet
outputs needs pyarrow: without it the script runs itself again with
/work/main/.venv/bin/python (--python).
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

try:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
except ImportError:  # pragma: no cover
    pc = pq = None


# The stages of one task per shard.
ARRAYS = ('ingest', 'bucket', 'verify-pairs', 'finalize')

def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--docs', default='100000', help='corpus sizes, comma-separated')
    ap.add_argument('--shards', default='8,32', help='shard counts, comma-separated')
    ap.add_argument('--files', type=int, default=8, help='JSONL files per corpus (one unit each)')
    ap.add_argument('--src', default=os.path.expanduser('~/.cargo/registry/src'),
                    help='source tree whose lines make the documents')
    ap.add_argument('--work', default='/tmp/corpusledger-scale',
                    help='corpora, run and output directories, results.json')
    ap.add_argument('--bin', default=os.path.join(ROOT, 'target/release/corpusledger'),
                    help='the corpusledger binary (copy it first if it may be rebuilt meanwhile)')
    ap.add_argument('-j', '--threads', type=int, default=2, help='threads of each task')
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--exact-rate', type=float, default=0.05)
    ap.add_argument('--near-rate', type=float, default=0.05)
    ap.add_argument('--plan-args', default='',
                    help='extra flags for `plan`, e.g. "--threshold 0.85 --memory-limit 200MB"')
    ap.add_argument('--results', default=os.path.join(HERE, 'RESULTS.md'), help='Markdown report to write')
    ap.add_argument('--keep', action='store_true', help='keep run and output directories afterwards')
    ap.add_argument('--remove-corpus', action='store_true',
                    help='delete each corpus once its shard counts are done (else kept for reuse)')
    ap.add_argument('--no-space-check', action='store_true',
                    help='run even when the free disk space looks too small')
    ap.add_argument('--report-only', action='store_true',
                    help='only write RESULTS.md again from WORK/results.json')
    ap.add_argument('--python', default=os.path.join(ROOT, '.venv/bin/python'),
                    help='a Python with pyarrow, used when this one has none')
    return ap.parse_args()


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def du(path):
    if not os.path.exists(path):
        return 0
    return int(subprocess.run(['du', '-sb', path], check=True, capture_output=True, text=True).stdout.split()[0])


def timed(cmd, tag, logdir):
    """Runs `cmd` under /usr/bin/time: (wall s, user s, sys s, max RSS KB)."""
    tfile = os.path.join(logdir, f'{tag}.time')
    efile = os.path.join(logdir, f'{tag}.stderr')
    with open(efile, 'w') as err:
        p = subprocess.run(['/usr/bin/time', '-o', tfile, '-f', '%e %U %S %M'] + cmd,
                           stdout=subprocess.DEVNULL, stderr=err)
    if p.returncode != 0:
        sys.exit(f'{tag} failed (exit {p.returncode}): {shlex.join(cmd)}\n'
                 + open(efile).read()[-3000:])
    last = open(tfile).read().strip().splitlines()[-1].split()
    return float(last[0]), float(last[1]), float(last[2]), int(last[3])


# --------------------------------------------------------------------------
# The corpus


def corpus_folder(args, docs):
    return os.path.join(args.work, f'corpus-{docs}-f{args.files}-s{args.seed}')


def corpus(args, docs):
    """Generates (or reuses) the corpus of `docs` documents: its folder and meta."""
    folder = corpus_folder(args, docs)
    want = {'docs': docs, 'files': args.files, 'seed': args.seed,
            'exact_rate': args.exact_rate, 'near_rate': args.near_rate}
    meta_path = os.path.join(folder, 'meta.json')
    if os.path.exists(meta_path):
        meta = json.load(open(meta_path))
        if all(meta['params'].get(k) == v for k, v in want.items()) and \
                all(os.path.exists(os.path.join(folder, f)) for f in meta['files']):
            log(f'reusing {folder}')
            meta['gen_seconds'] = None
            return folder, meta
        shutil.rmtree(folder)
    log(f'generating {docs} documents into {folder}')
    t = time.time()
    subprocess.run([sys.executable, os.path.join(HERE, 'gen.py'), args.src, folder,
                    '--docs', str(docs), '--files', str(args.files), '--seed', str(args.seed),
                    '--exact-rate', str(args.exact_rate), '--near-rate', str(args.near_rate)],
                   check=True)
    meta = json.load(open(meta_path))
    meta['gen_seconds'] = round(time.time() - t, 1)
    return folder, meta


def read_truth(folder):
    pairs = []
    with open(os.path.join(folder, 'truth.tsv'), encoding='utf-8') as fh:
        header = fh.readline().rstrip('\n').split('\t')
        for line in fh:
            row = dict(zip(header, line.rstrip('\n').split('\t')))
            pairs.append(row)
    return pairs


# --------------------------------------------------------------------------
# The stages


def run_stages(args, folder, meta, shards, logdir, run_dir, out_dir):
    b = args.bin
    j = ['-j', str(args.threads)]
    inputs = [os.path.join(folder, f) for f in meta['files']]
    stages = []

    def stage(name, cmds, written):
        tasks = []
        for tag, cmd in cmds:
            wall, user, sys_, rss = timed(cmd, tag, logdir)
            task = {'task': tag, 'wall': wall, 'user': user, 'sys': sys_, 'rss_kb': rss}
            if name in ARRAYS:
                # What the task did, from its done marker.
                i = int(tag.rsplit('-', 1)[1])
                marker = os.path.join(run_dir, name, f'{i:05d}-of-{shards:05d}.done')
                task['rows'] = json.load(open(marker)).get('rows', {})
            tasks.append(task)
        s = {
            'stage': name,
            'tasks': len(tasks),
            'max_rss_kb': max(t['rss_kb'] for t in tasks),
            'min_rss_kb': min(t['rss_kb'] for t in tasks),
            'cpu_s': round(sum(t['user'] + t['sys'] for t in tasks), 2),
            'wall_sum_s': round(sum(t['wall'] for t in tasks), 2),
            'wall_max_s': max(t['wall'] for t in tasks),
            'bytes': written(),
            'per_task': tasks,
        }
        log(f'  {name:9s} {s["tasks"]:3d} tasks  max RSS {s["max_rss_kb"] / 1024:7.1f} MB  '
            f'CPU {s["cpu_s"]:7.2f} s  wall {s["wall_sum_s"]:7.2f} s  wrote {s["bytes"]:,} B')
        stages.append(s)

    n = str(shards)
    plan = [b, 'plan', '-q']
    for f in inputs:
        plan += ['--input', f]
    plan += ['--out', out_dir, '--run-dir', run_dir] + shlex.split(args.plan_args)
    stage('plan', [('plan', plan)], lambda: os.path.getsize(os.path.join(run_dir, 'plan.bin')))
    stage('ingest', [(f'ingest-{i}', [b, 'ingest', '-q', '--run-dir', run_dir, '--num-shards', n,
                                      '--shard-index', str(i)] + j) for i in range(shards)],
          lambda: du(os.path.join(run_dir, 'ingest')))
    for name in ('bucket', 'verify-pairs'):
        stage(name, [(f'{name}-{i}', [b, name, '-q', '--run-dir', run_dir, '--num-shards', n,
                                      '--shard-index', str(i)] + j) for i in range(shards)],
              lambda name=name: du(os.path.join(run_dir, name)))
    stage('cluster', [('cluster', [b, 'cluster', '-q', '--run-dir', run_dir, '--num-shards', n] + j)],
          lambda: du(os.path.join(run_dir, 'cluster')))
    stage('finalize', [(f'finalize-{i}', [b, 'finalize', '-q', '--run-dir', run_dir, '--num-shards', n,
                                          '--shard-index', str(i)] + j) for i in range(shards)],
          lambda: du(os.path.join(run_dir, 'finalize')))
    stage('manifest', [('manifest', [b, 'manifest', '-q', '--run-dir', run_dir, '--num-shards', n] + j)],
          lambda: du(out_dir) - du(os.path.join(out_dir, 'data')))
    return stages


def out_breakdown(out_dir):
    """Bytes of each top-level entry of the output directory."""
    return {name: du(os.path.join(out_dir, name)) for name in sorted(os.listdir(out_dir))}


# Disk use per byte of input, measured at 50,000 documents: the run
# directory is 3.5x the input, the output without its data (hard links into
# the run directory) 0.65x. With a margin:
DISK_PER_INPUT_BYTE = 4.5
BYTES_PER_DOC = 1250  # a generated document, JSON-encoded (measured: about 1,200)


def space_check(args, docs, folder):
    have_corpus = os.path.exists(os.path.join(folder, 'meta.json'))
    need = docs * BYTES_PER_DOC * (DISK_PER_INPUT_BYTE + (0 if have_corpus else 1))
    free = shutil.disk_usage(args.work).free
    if free < need and not args.no_space_check:
        sys.exit(f'{docs:,} documents need about {need / 1e9:.1f} GB free under {args.work} '
                 f'(corpus about {docs * BYTES_PER_DOC / 1e9:.1f} GB, run and output directories '
                 f'about {DISK_PER_INPUT_BYTE}x that); {free / 1e9:.1f} GB are free. Use --work on a '
                 'larger disk, --remove-corpus, or --no-space-check.')


# --------------------------------------------------------------------------
# The planted copies against the ledger


def check(folder, meta, out_dir, truth):
    """Each planted pair: found when both documents end in the same cluster
    (one removed in favour of the other, or both in favour of the same kept
    document). Documents are matched on (input file name, 1-based line)."""
    files = meta['files']
    ledger = pq.read_table(os.path.join(out_dir, 'removed.parquet'),
                           columns=['doc_id', 'input', 'row', 'reason', 'kept_doc_id', 'cluster_id', 'jaccard'])
    removed = {}  # (file, row) -> (doc_id, reason, kept, cluster, jaccard)
    reasons = {}
    cols = [ledger[c].to_pylist() for c in ('input', 'row', 'doc_id', 'reason', 'kept_doc_id', 'cluster_id', 'jaccard')]
    for inp, row, doc, reason, kept_id, cluster, jac in zip(*cols):
        removed[(os.path.basename(inp), row)] = (doc, reason, kept_id, cluster, jac)
        reasons[reason] = reasons.get(reason, 0) + 1
    del cols

    # The kept documents the check needs: planted ones not in the ledger.
    wanted = {f: set() for f in files}
    for p in truth:
        for side in ('copy', 'orig'):
            loc = (p[f'{side}_file'], int(p[f'{side}_line']))
            if loc not in removed:
                wanted[loc[0]].add(loc[1])
    kept = {}  # (file, row) -> (doc_id, cluster_id)
    data_rows = 0
    data_dir = os.path.join(out_dir, 'data')
    for name in sorted(os.listdir(data_dir)):
        if not name.endswith('.parquet'):
            continue
        t = pq.read_table(os.path.join(data_dir, name), columns=['doc_id', 'input', 'row', 'cluster_id'])
        data_rows += t.num_rows
        for label in pc.unique(t['input']).to_pylist():
            f = os.path.basename(label)
            if not wanted.get(f):
                continue
            mask = pc.and_(pc.equal(t['input'], label), pc.is_in(t['row'], value_set=_uint64(sorted(wanted[f]))))
            for r in t.filter(mask).to_pylist():
                kept[(f, r['row'])] = (r['doc_id'], r['cluster_id'])

    def status(loc):
        if loc in removed:
            doc, reason, kept_id, cluster, jac = removed[loc]
            if reason in ('exact-duplicate', 'near-duplicate'):
                return kept_id, reason, cluster, jac
            return None, reason, None, None
        if loc in kept:
            return kept[loc][0], 'kept', kept[loc][1], None
        return None, 'absent', None, None

    found = {'exact': 0, 'near': 0}
    planted = {'exact': 0, 'near': 0}
    reason_of_pair = {}
    misses = []
    cluster_disagree = 0
    tool_jaccards = []
    for p in truth:
        kind = p['kind']
        planted[kind] += 1
        c = status((p['copy_file'], int(p['copy_line'])))
        o = status((p['orig_file'], int(p['orig_line'])))
        ok = c[0] is not None and c[0] == o[0]
        if ok:
            found[kind] += 1
            if c[2] != o[2]:
                cluster_disagree += 1
            # The reason given to the removed member(s) of the pair.
            rs = tuple(sorted({x[1] for x in (c, o) if x[1] != 'kept'}))
            key = f'{kind}: {"+".join(rs)}'
            reason_of_pair[key] = reason_of_pair.get(key, 0) + 1
            if kind == 'near':
                j = c[3] if c[1] == 'near-duplicate' else o[3]
                if j is not None:
                    tool_jaccards.append((j, float(p['jaccard'])))
        else:
            misses.append({'pair': p, 'copy': c[1:], 'orig': o[1:]})
    dup_removed = reasons.get('exact-duplicate', 0) + reasons.get('near-duplicate', 0)
    result = {
        'planted': planted, 'found': found, 'reasons': reasons,
        'pair_reasons': reason_of_pair,
        'removed_duplicates': dup_removed,
        'planted_copies': len(truth),
        'ledger_rows': ledger.num_rows, 'data_rows': data_rows,
        'cluster_id_disagreements': cluster_disagree,
        'misses': misses[:50], 'miss_count': len(misses),
    }
    if tool_jaccards:
        diffs = [abs(a - b) for a, b in tool_jaccards]
        result['near_tool_jaccard_min'] = min(a for a, _ in tool_jaccards)
        result['near_tool_jaccard_mean'] = sum(a for a, _ in tool_jaccards) / len(tool_jaccards)
        result['near_jaccard_max_abs_diff_vs_gen'] = max(diffs)
        result['near_jaccard_pairs_compared'] = len(tool_jaccards)
    if misses:
        result['miss_detail'] = explain_misses(folder, misses[:20])
    return result


def _uint64(values):
    import pyarrow as pa
    return pa.array(values, type=pa.uint64())


def explain_misses(folder, misses):
    """Recomputes the 5-gram Jaccard of missed pairs from the corpus itself."""
    sys.path.insert(0, HERE)
    import gen
    need = {}
    for m in misses:
        p = m['pair']
        for side in ('copy', 'orig'):
            need.setdefault(p[f'{side}_file'], set()).add(int(p[f'{side}_line']))
    texts = {}
    for f, lines in need.items():
        with open(os.path.join(folder, f), encoding='utf-8') as fh:
            for n, line in enumerate(fh, 1):
                if n in lines:
                    texts[(f, n)] = json.loads(line)['text']
    out = []
    for m in misses:
        p = m['pair']
        a = texts[(p['copy_file'], int(p['copy_line']))]
        b = texts[(p['orig_file'], int(p['orig_line']))]
        out.append({'copy': p['copy_id'], 'orig': p['orig_id'], 'kind': p['kind'], 'edit': p['edit'],
                    'gen_jaccard': p['jaccard'], 'recomputed_jaccard': round(gen.jaccard(a, b), 4),
                    'copy_status': m['copy'], 'orig_status': m['orig']})
    return out


# --------------------------------------------------------------------------
# The report


def mb(kb):
    return f'{kb / 1024:,.0f} MB' if kb >= 10240 else f'{kb / 1024:,.1f} MB'


def human(b):
    for unit, size in (('GB', 1e9), ('MB', 1e6), ('kB', 1e3)):
        if b >= size:
            return f'{b / size:,.2f} {unit}'
    return f'{b} B'


def pct(a, b):
    return f'{a}/{b} ({100 * a / b:.2f} %)' if b else f'{a}/0'


def machine():
    cpu = ''
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    mem = ''
    try:
        for line in open('/proc/meminfo'):
            if line.startswith('MemTotal'):
                mem = f'{int(line.split()[1]) / 1024 / 1024:.1f} GiB'
    except OSError:
        pass
    return {'cores': os.cpu_count(), 'cpu': cpu, 'mem': mem, 'kernel': platform.release()}


def report(args, results, info):
    L = []
    m = info['machine']
    L.append('# Scaling benchmark: the staged pipeline as separate tasks\n')
    L.append(f'Written by `benches/scale/run.py` on {info["date"]}; how to run it is in '
             '[README.md](README.md). Command:\n')
    L.append(f'```sh\n{info["command"]}\n```\n')
    L.append(f'- **Machine:** {m["cores"]} cores ({m["cpu"]}), {m["mem"]}, Linux {m["kernel"]}. '
             'The script does not check what else runs on the machine, so walls are indicative; '
             'CPU seconds and peak RSS are less affected.')
    L.append(f'- **Binary:** `{info["bin"]}`, {info["version"]}, SHA-256 `{info["bin_sha256"][:16]}…`; '
             f'every task with `-j {args.threads}`'
             + (f', plan with `{args.plan_args}`' if args.plan_args else
                ', default configuration (threshold 0.7, 5-token shingles, `code` tokenizer, 256 permutations)')
             + '.')
    L.append('- **Tasks:** every stage is a separate process, one per shard for `ingest`, `bucket`, `verify-pairs` and `finalize`, '
             'run one after another (as a Slurm array would run them, without the parallelism). '
             'Each is timed with `/usr/bin/time -f "%e %U %S %M"`. *CPU s* is user+sys summed over the '
             "stage's tasks; *max RSS* is the largest peak RSS of one task.")
    L.append('- **Bytes written:** `du -sb RUN/<stage>` for ingest, bucket, verify-pairs, cluster and finalize; `plan.bin` for plan; '
             'for manifest, the output directory minus its `data/` (hard links to the finalize files).')
    L.append('- **Corpus:** `benches/scale/gen.py`: each document 12 to 40 lines drawn at random from '
             f'a pool of {info["pool_lines"]:,} source lines under `{args.src}` (sampled from all '
             f'{info["source_lines_seen"]:,}), written into {args.files} JSONL files '
             '(one unit each, so at most that many ingest tasks have input). '
             f'{args.exact_rate:.0%} of documents are planted exact copies and {args.near_rate:.0%} near copies '
             'of an earlier document (a random one from a 20,000-document reservoir of the earlier '
             'fresh documents, so copies cross files and shards).')
    L.append('- **Truth:** the generator\'s own record of what it planted (`truth.tsv`: copy and original, '
             'each by id, file and line, the kind, and for near copies the edit and the 5-token Jaccard '
             'computed by the generator with a Python re-implementation of the `code` tokenizer). It is '
             'written while generating, independently of anything the tool reads or writes. Every near '
             'copy was drawn again until that Jaccard was at least 0.9. A pair is *found* when both '
             'documents end in the same cluster of `removed.parquet` (one removed in favour of the other, '
             'or both in favour of the same kept document), matching documents by (input file, line): '
             'the ledger\'s and data shards\' `input` and `row` (1-based).\n')

    for r in results:
        c = r['check']
        L.append(f'## {r["docs"]:,} documents, {r["shards"]} shards\n')
        L.append(f'Input {human(r["input_bytes"])} ({r["input_bytes"]:,} B) in {args.files} files; '
                 f'run directory {human(r["run_dir_bytes"])}, **{r["run_dir_bytes"] / r["input_bytes"]:.2f}x the input** '
                 f'(the finalize data shards in it are hard-linked into the output); output directory '
                 f'{human(r["out_bytes"])} ('
                 + ', '.join(f'`{k}` {human(v)}' for k, v in sorted(r['out_breakdown'].items(), key=lambda kv: -kv[1])[:5])
                 + f'). All stages: {r["cpu_total"]:.1f} CPU s; {r["wall_total"]:.1f} s wall one task after another, '
                 f'{r["critical_path_s"]:.1f} s with every array task at once (the slowest task of each stage).\n')
        L.append('| stage | tasks | max peak RSS per task | total CPU s | wall, sum of tasks | slowest task | bytes written |')
        L.append('|---|---:|---:|---:|---:|---:|---:|')
        for s in r['stages']:
            L.append(f'| {s["stage"]} | {s["tasks"]} | {mb(s["max_rss_kb"])} | {s["cpu_s"]:.2f} | '
                     f'{s["wall_sum_s"]:.2f} s | {s["wall_max_s"]:.2f} s | {human(s["bytes"])} |')
        L.append('')
        L.append(f'- **Planted copies found:** exact {pct(c["found"]["exact"], c["planted"]["exact"])}, '
                 f'near {pct(c["found"]["near"], c["planted"]["near"])}.')
        L.append(f'- **Ledger:** {c["ledger_rows"]:,} rows ('
                 + ', '.join(f'{k} {v:,}' for k, v in sorted(c['reasons'].items()))
                 + f'); data shards {c["data_rows"]:,} rows; ledger + data = {c["ledger_rows"] + c["data_rows"]:,} '
                 f'of {r["docs"]:,} documents. Documents removed as duplicates: {c["removed_duplicates"]:,}, '
                 f'planted copies: {c["planted_copies"]:,}.')
        L.append('- **Reasons the found pairs got:** '
                 + ', '.join(f'{k} {v:,}' for k, v in sorted(c['pair_reasons'].items())) + '.')
        if 'near_tool_jaccard_min' in c:
            L.append(f'- **Near copies\' Jaccard:** the tool\'s (ledger `jaccard`) min {c["near_tool_jaccard_min"]:.4f}, '
                     f'mean {c["near_tool_jaccard_mean"]:.4f}; the generator\'s min {r["gen_near_jaccard_min"]:.4f}, '
                     f'mean {r["gen_near_jaccard_mean"]:.4f}; largest difference on one pair '
                     f'{c["near_jaccard_max_abs_diff_vs_gen"]:.4f} ({c["near_jaccard_pairs_compared"]:,} pairs '
                     'where the copy or original was removed as a near duplicate of the other).')
        if c['miss_count']:
            L.append(f'- **Missed pairs:** {c["miss_count"]}; the first ones, with the Jaccard recomputed from the corpus:')
            for d in c.get('miss_detail', []):
                L.append(f'  - {d["copy"]} ({d["kind"]}, {d["edit"]}) of {d["orig"]}: generator J {d["gen_jaccard"]}, '
                         f'recomputed {d["recomputed_jaccard"]}; copy {d["copy_status"][0]}, original {d["orig_status"][0]}')
        if r.get('gen_seconds'):
            L.append(f'- Generating the corpus took {r["gen_seconds"]:.0f} s.')
        L.append('')

    # Comparisons
    sizes = sorted({r['docs'] for r in results})
    shard_counts = sorted({r['shards'] for r in results})
    by = {(r['docs'], r['shards']): r for r in results}
    stage_names = ['plan', 'ingest', 'bucket', 'verify-pairs', 'cluster', 'finalize', 'manifest']

    def st(r, name):
        return next(s for s in r['stages'] if s['stage'] == name)

    if len(sizes) > 1:
        L.append('## Peak RSS as the corpus grows, at a fixed shard count\n')
        L.append('Array tasks (`ingest`, `bucket`, `verify-pairs`, `finalize`: the largest of the N tasks) against the single tasks '
                 '(`cluster`, `manifest`). The last column is the growth from the smallest to the largest '
                 f'corpus, which is {sizes[-1] / sizes[0]:.1f}x the documents.\n')
        L.append('| shards | stage | ' + ' | '.join(f'{d:,} docs' for d in sizes) + ' | growth |')
        L.append('|---:|---|' + '---:|' * (len(sizes) + 1))
        for n in shard_counts:
            for name in ('ingest', 'bucket', 'verify-pairs', 'finalize', 'cluster', 'manifest'):
                vals = [st(by[(d, n)], name)['max_rss_kb'] if (d, n) in by else None for d in sizes]
                g = f'{vals[-1] / vals[0]:.2f}x' if vals[0] and vals[-1] else ''
                L.append(f'| {n} | {name} | ' + ' | '.join(mb(v) if v else '' for v in vals) + f' | {g} |')
        L.append('')
    if len(shard_counts) > 1:
        L.append('## Total CPU across shard counts, at a fixed corpus size\n')
        L.append('CPU seconds (user+sys over all tasks of the stage). The last column is the largest '
                 'shard count over the smallest.\n')
        L.append('| documents | stage | ' + ' | '.join(f'{n} shards' for n in shard_counts) + ' | ratio |')
        L.append('|---:|---|' + '---:|' * (len(shard_counts) + 1))
        for d in sizes:
            for name in stage_names + ['all']:
                vals = []
                for n in shard_counts:
                    if (d, n) not in by:
                        vals.append(None)
                    elif name == 'all':
                        vals.append(by[(d, n)]['cpu_total'])
                    else:
                        vals.append(st(by[(d, n)], name)['cpu_s'])
                ratio = f'{vals[-1] / vals[0]:.2f}x' if vals[0] and vals[-1] is not None else ''
                label = '**all stages**' if name == 'all' else name
                L.append(f'| {d:,} | {label} | ' + ' | '.join(f'{v:.2f}' if v is not None else '' for v in vals)
                         + f' | {ratio} |')
        L.append('')
        L.append('Tasks with work and without: an ingest task has work when its shard holds an input '
                 'file (a JSONL file is one unit), a finalize task when a data shard falls to it (data shard '
                 '`P` goes to task `P mod N`); figures from the done markers.\n')
        L.append('| documents | shards | ingest tasks with input | their CPU s each | their peak RSS | '
                 'idle ingest tasks: CPU s, peak RSS | finalize tasks writing a data shard | their CPU s | '
                 'idle finalize tasks: CPU s, peak RSS |')
        L.append('|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
        for d in sizes:
            for n in shard_counts:
                if (d, n) not in by:
                    continue
                cells = []
                for name, key in (('ingest', 'documents'), ('finalize', 'data-shards')):
                    tasks = st(by[(d, n)], name)['per_task']
                    busy = [t for t in tasks if t.get('rows', {}).get(key, 0) > 0]
                    idle = [t for t in tasks if t not in busy]
                    cpu = [t['user'] + t['sys'] for t in busy]
                    cells.append(f'{len(busy)} of {len(tasks)}')
                    cells.append(f'{min(cpu):.2f} to {max(cpu):.2f}' if cpu else '')
                    if name == 'ingest':
                        rss = [t['rss_kb'] for t in busy]
                        cells.append(f'{mb(min(rss))} to {mb(max(rss))}' if rss else '')
                    if idle:
                        icpu = [t['user'] + t['sys'] for t in idle]
                        irss = [t['rss_kb'] for t in idle]
                        cells.append(f'at most {max(icpu):.2f} s, {mb(max(irss))}')
                    else:
                        cells.append('none')
                L.append(f'| {d:,} | {n} | ' + ' | '.join(cells) + ' |')
        L.append('')
    if len(sizes) > 1 or len(shard_counts) > 1:
        L.append('## In short\n')
        for n in shard_counts:
            if len(sizes) < 2 or (sizes[0], n) not in by or (sizes[-1], n) not in by:
                continue
            a, z = by[(sizes[0], n)], by[(sizes[-1], n)]
            g = {name: st(z, name)['max_rss_kb'] / st(a, name)['max_rss_kb'] for name in stage_names[1:]}
            L.append(f'- **{n} shards, {sizes[0]:,} to {sizes[-1]:,} documents ({sizes[-1] / sizes[0]:.1f}x):** '
                     f'the array tasks\' peak RSS grew {g["ingest"]:.2f}x (ingest), {g["bucket"]:.2f}x (bucket), '
                     f'{g["verify-pairs"]:.2f}x (verify-pairs) and {g["finalize"]:.2f}x (finalize); '
                     f'the single tasks\' {g["cluster"]:.2f}x (cluster) and {g["manifest"]:.2f}x (manifest). '
                     f'An ingest task reads one input file\'s share ({args.files} files here), a bucket or '
                     'verify-pairs task one partition of the band keys or pairs, a finalize task '
                     'writes at most its data shards, so their memory follows the share, not the corpus; cluster '
                     'and manifest hold state for every document and text of the corpus and grow with it. '
                     'At small sizes an ingest task\'s peak is mostly fixed: compare an idle task\'s in the table '
                     'above.')
        for d in sizes:
            if len(shard_counts) < 2 or (d, shard_counts[0]) not in by or (d, shard_counts[-1]) not in by:
                continue
            a, z = by[(d, shard_counts[0])], by[(d, shard_counts[-1])]
            L.append(f'- **{d:,} documents, {shard_counts[0]} to {shard_counts[-1]} shards:** total CPU '
                     f'{a["cpu_total"]:.2f} s to {z["cpu_total"]:.2f} s ({z["cpu_total"] / a["cpu_total"]:.2f}x); '
                     f'with {args.files} input files only {args.files} ingest tasks have input whatever the shard '
                     'count; what the extra tasks cost is the idle tasks\' figures above.')
        L.append('')
    with open(args.results, 'w') as fh:
        fh.write('\n'.join(L))
    log(f'wrote {args.results}')


# --------------------------------------------------------------------------


def main():
    args = parse_args()
    if pq is None:
        if os.path.abspath(sys.executable) == os.path.abspath(args.python):
            sys.exit('pyarrow is missing from ' + sys.executable)
        log(f'no pyarrow here; running again with {args.python}')
        os.execv(args.python, [args.python] + sys.argv)
    args.bin = os.path.abspath(args.bin)
    args.work = os.path.abspath(args.work)
    args.results = os.path.abspath(args.results)
    os.makedirs(args.work, exist_ok=True)
    if args.report_only:
        saved = json.load(open(os.path.join(args.work, 'results.json')))
        results_path = args.results
        args = argparse.Namespace(**saved['info']['args'])
        args.results = results_path
        report(args, saved['results'], saved['info'])
        return
    sizes = [int(x) for x in args.docs.split(',') if x]
    shard_counts = [int(x) for x in args.shards.split(',') if x]
    version = subprocess.run([args.bin, '-V'], capture_output=True, text=True).stdout.strip()
    with open(args.bin, 'rb') as fh:
        bin_sha = hashlib.sha256(fh.read()).hexdigest()
    info = {
        'date': datetime.date.today().isoformat(),
        'command': 'python3 benches/scale/run.py ' + shlex.join(sys.argv[1:]),
        'machine': machine(), 'bin': args.bin, 'version': version, 'bin_sha256': bin_sha,
        'args': dict(vars(args)),
    }
    results = []
    for docs in sizes:
        space_check(args, docs, corpus_folder(args, docs))
        t0 = time.time()
        folder, meta = corpus(args, docs)
        gen_s = time.time() - t0
        truth = read_truth(folder)
        info['pool_lines'] = meta['pool_lines']
        info['source_lines_seen'] = meta.get('source_lines_seen', meta['pool_lines'])
        input_bytes = sum(os.path.getsize(os.path.join(folder, f)) for f in meta['files'])
        for shards in shard_counts:
            log(f'{docs} documents, {shards} shards')
            t1 = time.time()
            base = os.path.join(args.work, f'd{docs}-s{shards}')
            run_dir, out_dir, logdir = (os.path.join(base, x) for x in ('run', 'out', 'logs'))
            shutil.rmtree(base, ignore_errors=True)
            os.makedirs(logdir)
            stages = run_stages(args, folder, meta, shards, logdir, run_dir, out_dir)
            stages_s = time.time() - t1
            c = check(folder, meta, out_dir, truth)
            log(f'  found exact {c["found"]["exact"]}/{c["planted"]["exact"]}, '
                f'near {c["found"]["near"]}/{c["planted"]["near"]}; ledger {c["reasons"]}')
            r = {
                'docs': docs, 'shards': shards, 'files': args.files,
                'input_bytes': input_bytes, 'run_dir_bytes': du(run_dir), 'out_bytes': du(out_dir),
                'out_breakdown': out_breakdown(out_dir),
                'critical_path_s': round(sum(s['wall_max_s'] for s in stages), 2),
                'stages': stages, 'check': c,
                'cpu_total': round(sum(s['cpu_s'] for s in stages), 2),
                'wall_total': round(sum(s['wall_sum_s'] for s in stages), 2),
                'gen_seconds': meta.get('gen_seconds'),
                'gen_counts': meta['counts'],
                'gen_near_jaccard_min': meta['near_jaccard_min'],
                'gen_near_jaccard_mean': meta['near_jaccard_mean'],
                'stages_elapsed_s': round(stages_s, 1),
                'check_elapsed_s': round(time.time() - t1 - stages_s, 1),
            }
            results.append(r)
            meta['gen_seconds'] = None  # reported once per size
            if not args.keep:
                shutil.rmtree(base)
            log(f'  {docs} docs x {shards} shards: stages {stages_s:.1f} s, check {r["check_elapsed_s"]:.1f} s'
                + (f', generation {gen_s:.1f} s' if shards == shard_counts[0] else ''))
            with open(os.path.join(args.work, 'results.json'), 'w') as fh:
                json.dump({'info': info, 'results': results}, fh, indent=1)
            report(args, results, info)
        if args.remove_corpus:
            shutil.rmtree(folder)


if __name__ == '__main__':
    main()
