"""Peer: rensa RMinHash + RMinHashLSH (the installed rensa, 0.5.x API).

    python peer_rensa.py --corpus DIR --threshold 0.7 --out clusters.tsv \
        [--stats stats.json] [--workers 2] [--num-perm 256] [--seed 42]

Reads every document (common.py's definition) and shingles it in Python
exactly as corpusledger's "bigcode" profile; each worker process builds the
R-MinHash sketches of a chunk with RMinHash.from_token_sets (full-set
R-MinHash over the shingle strings, not the sampling "rho" pipeline).  All
sketches go into an RMinHashLSH(threshold, num_perm, num_bands); rensa needs
num_bands to divide num_perm, so bands x rows is the best such split for the
threshold (see peer_util.choose_bands).  Every document is queried
(query_all) and the connected components of the candidates are written (no
similarity check).  Documents with fewer than 5 tokens are not indexed.
"""

from rensa import RMinHash, RMinHashLSH

from common import UnionFind, read_document, shingles, tokens, write_clusters
from peer_util import Timer, choose_bands, map_corpus, parse_args, write_stats

_STATE = {}


def _init(root, num_perm, ngram, seed):
    _STATE.update(root=root, num_perm=num_perm, ngram=ngram, seed=seed)


def _sketch(keys):
    names, sets, docs, nbytes = [], [], 0, 0
    for key in keys:
        data = read_document(_STATE["root"], key)
        if data is None:
            continue
        docs += 1
        nbytes += len(data)
        sh = shingles(tokens(data), _STATE["ngram"])
        if sh:
            names.append(key)
            # ASCII-only shingles: str takes rensa's fast path for strings.
            sets.append([s.decode("ascii") for s in sh])
    sketches = RMinHash.from_token_sets(sets, num_perm=_STATE["num_perm"], seed=_STATE["seed"]) if sets else []
    return list(zip(names, sketches, strict=True)), docs, nbytes


def main():
    args = parse_args(__doc__, lambda ap: ap.add_argument("--seed", type=int, default=42))
    timer = Timer()
    keys, sketches, docs, nbytes = [], [], 0, 0
    with timer("read+shingle+sketch"):
        for part, n, b in map_corpus(args.corpus, _sketch, args.workers, initializer=_init,
                                     initargs=(args.corpus, args.num_perm, args.ngram, args.seed)):
            docs += n
            nbytes += b
            for key, m in part:
                keys.append(key)
                sketches.append(m)
    with timer("lsh-insert"):
        bands, rows = choose_bands(args.threshold, args.num_perm, exact_split=True)
        lsh = RMinHashLSH(threshold=args.threshold, num_perm=args.num_perm, num_bands=bands)
        lsh.insert_pairs(list(enumerate(sketches)))
    with timer("lsh-query+union"):
        uf = UnionFind(len(keys))
        candidates = 0
        for i, found in enumerate(lsh.query_all(sketches)):
            for j in found:
                if j != i:
                    candidates += 1
                    uf.union(i, j)
    with timer("write"):
        grouped = write_clusters(args.out, keys, uf.groups())
    write_stats(args.stats, timer, tool="rensa", documents=docs, bytes=nbytes, sketched=len(keys),
                bands=lsh.get_num_bands(), rows=rows, candidate_links=candidates,
                documents_in_clusters=grouped, workers=args.workers)


if __name__ == "__main__":
    main()
