#!/usr/bin/env python3
"""Writes a synthetic JSONL code corpus with planted exact and near copies,
and a truth file that records every copy planted.

    python3 benches/scale/gen.py SRC OUTDIR [--docs N] [--files K] [--seed S]
        [--exact-rate 0.05] [--near-rate 0.05] [--min-jaccard 0.9]

Each document is 12 to 40 lines drawn at random from the source lines under
SRC (e.g. ~/.cargo/registry/src), in the fields `id`, `repo`, `path`, `text`
as benches/stages/gen_jsonl.py writes them. Documents are numbered 0..N-1
and written in order into K files OUTDIR/part-00.jsonl ... (contiguous
ranges, N*f/K to N*(f+1)/K), so document i is line i-N*f/K+1 (1-based) of
file f.

Of the documents (after the first), a fraction `--exact-rate` are exact
copies of an earlier original (same text) and a fraction `--near-rate` are
near copies: an earlier original with one small edit (one or two identifiers
renamed, a number changed, one line deleted or inserted, one line replaced).
Originals are only fresh documents, never copies, drawn from a bounded
reservoir (reservoir sampling, `--reservoir` documents) of the earlier ones,
so the generator streams: memory is the line pool plus the reservoir, not
the corpus. A near copy's edit is drawn again until the token 5-gram Jaccard
with its original (the tool's `code` tokenizer, re-implemented below) is at
least `--min-jaccard`; that Jaccard is recorded.

OUTDIR/truth.tsv has one line per planted copy: the copy's id, file and
line, its original's id, file and line, the kind (exact or near), the Jaccard
computed here, and the edit. OUTDIR/meta.json records the parameters and
counts; run.py reuses a corpus whose meta.json matches.

Everything is seeded: the same arguments and the same SRC give the same files.
"""
import argparse
import json
import os
import random
import re
import sys

EXTENSIONS = ('.rs', '.py', '.c', '.h', '.go', '.js', '.toml')

# ---------------------------------------------------------------------------
# The `code` tokenizer of crates/dedup/src/shingle.rs, in Python: identifiers
# and numbers (letters, digits, `_`) are tokens, every other non-space
# character is a token of its own, and a leading comment block naming a
# license or copyright is left out. Shingles are sets of n consecutive tokens.

TOKEN = re.compile(r'\w+|[^\w\s]')
COMMENT_PREFIXES = ('//', '#', '/*', '*', '--', ';', '<!--', '"""')
DIRECTIVES = ('#include', '#define', '#if', '#pragma', '#import', '#[', '#![')


def license_header_len(text):
    end = 0
    has_comment = False
    for line in text.splitlines(keepends=True):
        trimmed = line.strip()
        directive = trimmed.startswith(DIRECTIVES)
        is_comment = not directive and (trimmed.startswith(COMMENT_PREFIXES) or trimmed.endswith('*/'))
        if not (is_comment or trimmed == ''):
            break
        has_comment |= is_comment
        end += len(line)
    header = text[:end].lower()
    names = any(w in header for w in ('license', 'licence', 'copyright', 'spdx-license-identifier'))
    return end if has_comment and names else 0


def shingles(text, n=5):
    toks = TOKEN.findall(text[license_header_len(text):])
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def jaccard(a, b, n=5):
    sa, sb = shingles(a, n), shingles(b, n)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


# ---------------------------------------------------------------------------

def load_lines(src, max_lines, rng):
    """Source lines of 9 to 119 characters under `src`, at most `max_lines`
    of them, drawn uniformly from the whole tree (reservoir sampling in
    sorted walk order, so the pool is the same on every run over the same
    tree)."""
    lines = []
    seen = 0
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d != '.git')
        for f in sorted(files):
            if not f.endswith(EXTENSIONS):
                continue
            try:
                with open(os.path.join(root, f), encoding='utf-8') as fh:
                    for l in fh:
                        l = l.rstrip('\n').rstrip('\r')
                        if not 8 < len(l) < 120:
                            continue
                        seen += 1
                        if len(lines) < max_lines:
                            lines.append(l)
                        else:
                            slot = rng.randrange(seen)
                            if slot < max_lines:
                                lines[slot] = l
            except (UnicodeDecodeError, OSError):
                pass
    return lines, seen


IDENT = re.compile(r'\b[A-Za-z_][A-Za-z0-9_]{2,}\b')
NUMBER = re.compile(r'\b[0-9]+\b')


def edit_token(rng, lines, count):
    """Renames one identifier (or changes one number) on `count` distinct lines."""
    out = list(lines)
    candidates = [i for i, l in enumerate(out) if IDENT.search(l) or NUMBER.search(l)]
    if len(candidates) < count:
        return None, None
    done = []
    for i in rng.sample(candidates, count):
        l = out[i]
        spots = [(m.start(), m.end(), 'id') for m in IDENT.finditer(l)] + \
                [(m.start(), m.end(), 'num') for m in NUMBER.finditer(l)]
        s, e, what = rng.choice(spots)
        word = l[s:e]
        if what == 'num':
            new = str(int(word) + rng.randint(1, 9))
        else:
            new = rng.choice((word + '_v2', 'new_' + word, word[::-1] if word[::-1] != word else word + 'x'))
        out[i] = l[:s] + new + l[e:]
        done.append(i + 1)
    return out, f'token@{",".join(map(str, sorted(done)))}'


def make_near(rng, pool, original, min_jaccard, tries=30):
    """An edit of `original` (a list of lines) whose 5-gram Jaccard is at
    least `min_jaccard`: (lines, jaccard, description)."""
    text = '\n'.join(original) + '\n'
    kinds = ('token1', 'token2', 'delete', 'insert', 'replace')
    for attempt in range(tries):
        # After a third of the tries, only the smallest edit.
        kind = rng.choice(kinds) if attempt < tries // 3 else 'token1'
        if kind == 'token1':
            lines, what = edit_token(rng, original, 1)
        elif kind == 'token2':
            lines, what = edit_token(rng, original, 2)
        elif kind == 'delete':
            i = rng.randrange(len(original))
            lines, what = original[:i] + original[i + 1:], f'delete@{i + 1}'
        elif kind == 'insert':
            i = rng.randrange(len(original) + 1)
            lines, what = original[:i] + [rng.choice(pool)] + original[i:], f'insert@{i + 1}'
        else:
            i = rng.randrange(len(original))
            lines, what = original[:i] + [rng.choice(pool)] + original[i + 1:], f'replace@{i + 1}'
        if lines is None:
            continue
        new = '\n'.join(lines) + '\n'
        if new == text:
            continue
        j = jaccard(text, new)
        if j >= min_jaccard and j < 1.0:
            return lines, j, what
    return None, None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('src', help='folder of source code whose lines make the documents')
    ap.add_argument('outdir')
    ap.add_argument('--docs', type=int, default=100_000)
    ap.add_argument('--files', type=int, default=8)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--exact-rate', type=float, default=0.05)
    ap.add_argument('--near-rate', type=float, default=0.05)
    ap.add_argument('--min-jaccard', type=float, default=0.9)
    ap.add_argument('--min-lines', type=int, default=12)
    ap.add_argument('--max-lines', type=int, default=40)
    ap.add_argument('--reservoir', type=int, default=20_000,
                    help='earlier fresh documents kept to copy from')
    ap.add_argument('--pool-lines', type=int, default=1_000_000,
                    help='source lines read from SRC at most')
    args = ap.parse_args()

    rng = random.Random(args.seed)
    pool, seen = load_lines(os.path.expanduser(args.src), args.pool_lines, random.Random(args.seed))
    if len(pool) < 1000:
        sys.exit(f'only {len(pool)} source lines under {args.src}')
    print(f'{len(pool)} source lines of {seen}', file=sys.stderr)

    os.makedirs(args.outdir, exist_ok=True)
    n, k = args.docs, args.files
    starts = [n * f // k for f in range(k + 1)]
    names = [f'part-{f:02d}.jsonl' for f in range(k)]
    reservoir = []  # (id, file name, line, lines)
    fresh_seen = 0
    counts = {'exact': 0, 'near': 0, 'fresh': 0, 'near_fallback_fresh': 0}
    jsum, jmin = 0.0, 1.0
    truth = open(os.path.join(args.outdir, 'truth.tsv.tmp'), 'w', encoding='utf-8')
    truth.write('copy_id\tcopy_file\tcopy_line\torig_id\torig_file\torig_line\tkind\tjaccard\tedit\n')
    total_bytes = 0
    i = 0
    for f in range(k):
        path = os.path.join(args.outdir, names[f])
        with open(path + '.tmp', 'w', encoding='utf-8') as out:
            for i in range(starts[f], starts[f + 1]):
                line_no = i - starts[f] + 1
                doc_id = f'doc{i}'
                r = rng.random()
                kind = 'fresh'
                if reservoir and r < args.exact_rate:
                    kind = 'exact'
                elif reservoir and r < args.exact_rate + args.near_rate:
                    kind = 'near'
                if kind == 'exact':
                    o = rng.choice(reservoir)
                    lines = o[3]
                    truth.write(f'{doc_id}\t{names[f]}\t{line_no}\t{o[0]}\t{o[1]}\t{o[2]}\texact\t1.0\t-\n')
                elif kind == 'near':
                    o = rng.choice(reservoir)
                    lines, j, what = make_near(rng, pool, o[3], args.min_jaccard)
                    if lines is None:
                        kind = 'fresh'
                        counts['near_fallback_fresh'] += 1
                    else:
                        jsum += j
                        jmin = min(jmin, j)
                        truth.write(f'{doc_id}\t{names[f]}\t{line_no}\t{o[0]}\t{o[1]}\t{o[2]}\tnear\t{j:.4f}\t{what}\n')
                if kind == 'fresh':
                    lines = [rng.choice(pool) for _ in range(rng.randint(args.min_lines, args.max_lines))]
                    # Reservoir sampling over the fresh documents.
                    entry = (doc_id, names[f], line_no, lines)
                    fresh_seen += 1
                    if len(reservoir) < args.reservoir:
                        reservoir.append(entry)
                    else:
                        slot = rng.randrange(fresh_seen)
                        if slot < args.reservoir:
                            reservoir[slot] = entry
                counts[kind] += 1
                text = '\n'.join(lines) + '\n'
                rec = json.dumps({'id': doc_id, 'repo': f'synthetic/r{i % 5000}',
                                  'path': f'src/f{i}.rs', 'text': text})
                out.write(rec + '\n')
                total_bytes += len(rec.encode('utf-8')) + 1
        os.replace(path + '.tmp', path)
    truth.close()
    os.replace(os.path.join(args.outdir, 'truth.tsv.tmp'), os.path.join(args.outdir, 'truth.tsv'))
    meta = {
        'params': {key: getattr(args, key) for key in
                   ('docs', 'files', 'seed', 'exact_rate', 'near_rate', 'min_jaccard',
                    'min_lines', 'max_lines', 'reservoir', 'pool_lines')},
        'src': os.path.abspath(os.path.expanduser(args.src)),
        'pool_lines': len(pool),
        'source_lines_seen': seen,
        'files': names,
        'counts': counts,
        'near_jaccard_mean': jsum / counts['near'] if counts['near'] else None,
        'near_jaccard_min': jmin if counts['near'] else None,
        'bytes': total_bytes,
    }
    with open(os.path.join(args.outdir, 'meta.json'), 'w') as fh:
        json.dump(meta, fh, indent=1)
    print(json.dumps(meta['counts']), f'{total_bytes} bytes', file=sys.stderr)


if __name__ == '__main__':
    main()
