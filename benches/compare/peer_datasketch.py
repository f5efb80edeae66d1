"""Peer: datasketch MinHash + MinHashLSH.

    python peer_datasketch.py --corpus DIR --threshold 0.7 --out clusters.tsv \
        [--stats stats.json] [--workers 2] [--num-perm 256]

Reads every document (common.py's definition), shingles it in Python exactly
as corpusledger's "bigcode" profile (5-grams of [A-Za-z0-9_]+ runs), builds a
datasketch MinHash (num_perm, default hash sha1_hash32, scheme affine32) in
`--workers` processes, inserts all into a MinHashLSH(threshold, num_perm)
(datasketch picks bands x rows), queries every document, and writes the
connected components of the query results (no similarity check of the
candidates).  Documents with fewer than 5 tokens have no shingles and are not
indexed, so their exact copies are not found.
"""

from datasketch import LeanMinHash, MinHash, MinHashLSH

from common import UnionFind, read_document, shingles, tokens, write_clusters
from peer_util import Timer, map_corpus, parse_args, write_stats

_STATE = {}


def _init(root, num_perm, ngram):
    template = MinHash(num_perm=num_perm)
    _STATE.update(root=root, num_perm=num_perm, ngram=ngram, perms=template.permutations)


def _sketch(keys):
    out, docs, nbytes = [], 0, 0
    for key in keys:
        data = read_document(_STATE["root"], key)
        if data is None:
            continue
        docs += 1
        nbytes += len(data)
        sh = shingles(tokens(data), _STATE["ngram"])
        if not sh:
            continue
        m = MinHash(num_perm=_STATE["num_perm"], permutations=_STATE["perms"], scheme="affine32")
        m.update_batch(sh)
        out.append((key, LeanMinHash(m)))
    return out, docs, nbytes


def main():
    args = parse_args(__doc__)
    timer = Timer()
    keys, sketches, docs, nbytes = [], [], 0, 0
    with timer("read+shingle+sketch"):
        for part, n, b in map_corpus(args.corpus, _sketch, args.workers,
                                     initializer=_init, initargs=(args.corpus, args.num_perm, args.ngram)):
            docs += n
            nbytes += b
            for key, m in part:
                keys.append(key)
                sketches.append(m)
    with timer("lsh-insert"):
        lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm)
        with lsh.insertion_session() as session:
            for i, m in enumerate(sketches):
                session.insert(i, m, check_duplication=False)
    with timer("lsh-query+union"):
        uf = UnionFind(len(keys))
        candidates = 0
        for i, m in enumerate(sketches):
            for j in lsh.query(m):
                if j != i:
                    candidates += 1
                    uf.union(i, j)
    with timer("write"):
        grouped = write_clusters(args.out, keys, uf.groups())
    write_stats(args.stats, timer, tool="datasketch", documents=docs, bytes=nbytes,
                sketched=len(keys), bands=lsh.b, rows=lsh.r, candidate_links=candidates,
                documents_in_clusters=grouped, workers=args.workers)


if __name__ == "__main__":
    main()
