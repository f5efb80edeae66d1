"""Peer: datatrove's MinHash dedup (MinhashDedupSignature -> MinhashDedupBuckets
-> MinhashDedupCluster, each on a LocalPipelineExecutor).

    python peer_datatrove.py --corpus DIR --threshold 0.7 --out clusters.tsv \
        [--stats stats.json] [--workers 2] [--num-perm 256] [--work DIR] \
        [--tokenizer native|bigcode]

datatrove reads its own formats, so the documents (common.py's definition)
are first written to `--workers` JSONL files (counted in the total time).
Signatures use MinhashConfig(n_grams=5, num_buckets=b, hashes_per_bucket=r)
with b x r <= num_perm chosen for the threshold as datasketch does
(peer_util.choose_bands); stage 1 runs `--workers` tasks, stage 2 b tasks, both
on `--workers` processes; stage 3 saves cluster ids (save_cluster_id=True),
which are mapped back to keys.  Buckets are matched on equal band hashes, with
no similarity check.

--tokenizer native (default): datatrove's own text handling: simplify_text
(lowercase, numbers -> 0, punctuation removed, whitespace and diacritics
normalised) and its English word tokenizer (spaCy), so its shingles are NOT
ours.  --tokenizer bigcode: text left as is and our [A-Za-z0-9_]+ tokens, so
the shingles equal corpusledger's.  Documents without a shingle are not signed.
"""

import json
import os
import re
import shutil
import struct
import tempfile

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupSignature)
from datatrove.pipeline.readers import JsonlReader
from datatrove.utils.text import TextNormConfig
from datatrove.utils.word_tokenizers import WordTokenizer

from common import iter_documents, write_clusters
from peer_util import Timer, choose_bands, parse_args, write_stats


class BigcodeTokenizer(WordTokenizer):
    """Maximal runs of [A-Za-z0-9_], case kept (corpusledger's "bigcode")."""

    _re = re.compile(r"[A-Za-z0-9_]+")

    def word_tokenize(self, text):
        return self._re.findall(text)

    def sent_tokenize(self, text):
        return [text]

    def span_tokenize(self, text):
        return [(0, len(text))]


def _extra(ap):
    ap.add_argument("--work", help="scratch folder (default: a temp dir, removed)")
    ap.add_argument("--tokenizer", choices=["native", "bigcode"], default="native")


def write_jsonl(corpus, folder, parts):
    """Documents in key order, split into `parts` contiguous files; returns
    the keys of each file in order, the document count and bytes."""
    docs = list(iter_documents(corpus))
    per = -(-len(docs) // parts) if docs else 1
    files, nbytes = [], 0
    os.makedirs(folder, exist_ok=True)
    for p in range(parts):
        chunk = docs[p * per : (p + 1) * per]
        with open(os.path.join(folder, f"{p:05d}.jsonl"), "w", encoding="utf-8") as f:
            for key, data in chunk:
                f.write(json.dumps({"id": key, "text": data.decode("utf-8")}) + "\n")
                nbytes += len(data)
        files.append([key for key, _ in chunk])
    return files, len(docs), nbytes


def read_cluster_ids(folder, files):
    """{key: cluster} from the `NNNNNN.clusters` files (pairs of uint32
    doc index, cluster id) that MinhashDedupCluster writes per input file."""
    out = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".clusters"):
            continue
        keys = files[int(name.split(".")[0])]
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        for doc, cluster in struct.iter_unpack("<2I", data):
            out[keys[doc]] = cluster
    return out


def main():
    args = parse_args(__doc__, _extra)
    timer = Timer()
    work = args.work or tempfile.mkdtemp(prefix="datatrove-")
    shutil.rmtree(work, ignore_errors=True)
    bands, rows = choose_bands(args.threshold, args.num_perm)
    if args.tokenizer == "bigcode":
        norm = TextNormConfig(lowercase=False, norm_whitespace=False, remove_punctuation=False,
                              norm_unicode_diacritics=False, norm_numbers=False)
        language = BigcodeTokenizer("bigcode")
    else:
        norm, language = TextNormConfig(), "eng"
    config = MinhashConfig(n_grams=args.ngram, num_buckets=bands, hashes_per_bucket=rows, norm_config=norm)
    workers = max(1, args.workers)
    d = lambda name: os.path.join(work, name)  # noqa: E731

    with timer("write-jsonl"):
        files, docs, nbytes = write_jsonl(args.corpus, d("jsonl"), workers)
    with timer("signatures"):
        LocalPipelineExecutor(
            pipeline=[JsonlReader(d("jsonl"), glob_pattern="*.jsonl"),
                      MinhashDedupSignature(output_folder=d("sigs"), config=config, language=language)],
            tasks=workers, workers=workers, logging_dir=d("logs/sigs")).run()
    with timer("buckets"):
        LocalPipelineExecutor(
            pipeline=[MinhashDedupBuckets(input_folder=d("sigs"), output_folder=d("buckets"), config=config)],
            tasks=bands, workers=workers, logging_dir=d("logs/buckets")).run()
    with timer("cluster"):
        LocalPipelineExecutor(
            pipeline=[MinhashDedupCluster(input_folder=d("buckets"), output_folder=d("ids"),
                                          config=config, save_cluster_id=True)],
            tasks=1, workers=1, logging_dir=d("logs/cluster")).run()
    with timer("write"):
        clusters = read_cluster_ids(d("ids"), files)
        keys = sorted(clusters)
        index = {k: i for i, k in enumerate(keys)}
        groups = {}
        for k, c in clusters.items():
            groups.setdefault(c, []).append(index[k])
        grouped = write_clusters(args.out, keys, list(groups.values()))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    write_stats(args.stats, timer, tool="datatrove", tokenizer=args.tokenizer, documents=docs,
                bytes=nbytes, bands=bands, rows=rows, documents_in_clusters=grouped, workers=workers)


if __name__ == "__main__":
    main()
