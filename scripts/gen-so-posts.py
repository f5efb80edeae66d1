#!/usr/bin/env python3
"""Write a large synthetic Stack Exchange `Posts.xml` for scale tests.

    python scripts/gen-so-posts.py --size-gb 2.0 --out /tmp/so/Posts.xml
    python scripts/gen-so-posts.py --size-gb 2.0 --out /tmp/so/Posts.xml.zst --zst

The file has the dump's schema (XML declaration, `<posts>`, one `<row .../>`
per line, attributes escaped as the dump escapes them) and a realistic shape:

- questions with 1-4 answers; answers arrive interleaved with later
  questions (up to ~40 rows later), ids increase down the file and
  `AcceptedAnswerId` (about half of the questions) names an answer further on;
- HTML bodies of 1-3 paragraphs and 0-2 code blocks of 1 to ~200 lines;
- some duplicated code: ~4% of code blocks repeat a recent block exactly and
  ~4% repeat one with a single line changed (near duplicates);
- `ContentLicense` on ~90% of rows (the value the schedule gives for the last
  revision), missing on the rest; ~35% of rows edited; dates spread from
  2008-08 to 2024-03 and increasing with the id;
- deleted owners (~2%, some with `OwnerDisplayName`), the Community user -1.

It streams: rows are assembled from pools of pre-escaped fragments (made
once at start-up) and written in ~4 MB chunks, so memory stays flat and 2 GB
takes a minute or two. `--size-gb` counts uncompressed bytes (10^9 per GB);
the file is closed at the first row boundary past the target. Output is
deterministic for a given --seed and size.

--zst compresses on the fly: with the `zstandard` module when installed
(multi-threaded), else through the `zstd` CLI.
"""

import argparse
import html
import os
import random
import shutil
import subprocess
import sys
import time

START = 1217548800  # 2008-08-01T00:00:00Z
END = 1711929600    # 2024-04-01T00:00:00Z
B1 = "2011-04-08T00:00:00"
B2 = "2018-05-02T00:00:00"

WORDS = (
    "cache buffer socket parser token widget queue matrix record payload session cursor thread lock "
    "config schema index vector stream batch request handler router column tuple frame pixel sprite "
    "ledger invoice order account tenant shard replica bucket packet header cookie template module "
    "plugin job task event signal timer counter histogram metric node edge graph tree heap stack "
    "slice chunk block page row field entry key value label tag note draft report chart layer mesh "
    "shader texture vertex sample window pane panel dialog button form input output digest checksum "
    "offset length width height margin border color theme locale region zone clock epoch tick user "
    "client server proxy gateway query result error status message channel worker pool future promise"
).split()
VERBS = (
    "parse serialize sort merge filter cache encode decode validate render flush retry compress hash "
    "split join stream index lock schedule migrate resize rotate normalize escape format trim pad "
    "group count paginate throttle debounce memoize clone compare patch deploy mock load save send"
).split()
LANGS = ["python", "javascript", "java", "c#", "c++", "go", "rust", "sql", "bash", "php", "ruby",
         "typescript", "kotlin", "swift", "r", "scala", "haskell", "c", "perl", "lua"]
TAGS = LANGS + ("performance regex json unicode arrays string datetime multithreading unit-testing docker "
                "git csv http recursion sorting pandas numpy django reactjs node.js .net linux mysql "
                "postgresql android ios spring excel vba css html algorithm dictionary list").split()
NONASCII = ["café", "naïve", "Zürich", "日本語", "données", "Ελληνικά", "ПРИВЕТ", "👍", "🎉", "ß", "Ñandú"]
SQL_WORDS = ["SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "JOIN", "LEFT JOIN", "HAVING", "LIMIT"]


def xml_attr(s):
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return s.replace("\r", "&#xD;").replace("\n", "&#xA;").replace("\t", "&#x9;")


def esc(html_text):
    """HTML that goes into a Body attribute."""
    return xml_attr(html_text)


def code_line(rng, lang):
    w = lambda: rng.choice(WORDS)
    n = rng.randint(0, 99999)
    ind = " " * (rng.choice([0, 0, 2, 4, 4, 8, 12]))
    k = rng.random()
    if lang in ("python", "ruby", "r"):
        forms = [f"{ind}{w()}_{w()} = {w()}_{w()}({w()}, {n})", f"{ind}if {w()}_{w()} > {n}:",
                 f"{ind}for {w()} in {w()}s:", f"{ind}return {{'{w()}': {w()}_{w()}[{n % 97}]}}",
                 f"{ind}# {rng.choice(VERBS)} the {w()} before the {w()}", f"{ind}print(f\"{w()}={{{w()}!r}}\")",
                 f"{ind}{w()}.append({w()}.get(\"{w()}\", {n}))", f"{ind}raise ValueError(\"bad {w()}: %r\" % {w()})"]
    elif lang in ("sql",):
        forms = [f"{rng.choice(SQL_WORDS)} {w()}_{w()}", f"  AND {w()}.{w()} > {n}", f"  OR {w()} <> '{w()}'",
                 f"INSERT INTO {w()} ({w()}, {w()}) VALUES ({n}, '{rng.choice(NONASCII)}');",
                 f"UPDATE {w()} SET {w()} = {w()} + {n} WHERE id = {n % 1000};"]
    elif lang in ("bash", "perl"):
        forms = [f"{ind}grep -c '{w()}' /var/log/{w()}-{n}.log", f"{ind}export {w().upper()}_{w().upper()}={n}",
                 f"{ind}for f in {w()}/*.txt; do echo \"$f\" >> {w()}.out; done", f"{ind}if [ -z \"${w()}\" ]; then",
                 f"{ind}fi", f"{ind}tar -xzf {w()}-{n}.tar.gz && cd {w()}"]
    else:
        forms = [f"{ind}const {w()}{w().capitalize()} = {w()}({w()}, {n});", f"{ind}if ({w()} > {n} && {w()} != null) {{",
                 f"{ind}}}", f"{ind}// {rng.choice(VERBS)} {w()} {n}", f"{ind}return {w()}.{w()}({w()}[{n % 97}]);",
                 f"{ind}for (int i = 0; i < {w()}.length; i++) {{", f"{ind}std::vector<{w()}> {w()}({n});",
                 f"{ind}throw new Error(\"{w()} failed: \" + {w()});"]
    line = rng.choice(forms)
    if k < 0.02:
        line += f"  // {rng.choice(NONASCII)}"
    if k > 0.995:
        line = line.replace("    ", "\t", 1)
    return line


def make_pools(rng):
    t = time.time()
    code_lines = {lang: [esc(html.escape(code_line(rng, lang), quote=False)) for _ in range(4000)] for lang in LANGS}
    paras = []
    for _ in range(6000):
        parts = []
        for _ in range(rng.randint(1, 4)):
            k = rng.random()
            if k < 0.25:
                parts.append(f"I'm trying to {rng.choice(VERBS)} a {rng.choice(WORDS)} with <code>{rng.choice(WORDS)}_{rng.choice(WORDS)}()</code> but it fails with <code>{rng.choice(WORDS).capitalize()}Error</code>.")
            elif k < 0.45:
                parts.append(f"You can {rng.choice(VERBS)} the {rng.choice(WORDS)} once and reuse it; see <a href=\"https://example.com/{rng.choice(WORDS)}/{rng.randint(1, 9999)}\">the docs</a>.")
            elif k < 0.6:
                parts.append(f"<strong>Edit:</strong> {rng.choice(VERBS)}ing the {rng.choice(WORDS)} did not help &amp; the {rng.choice(WORDS)} is still {rng.choice(['empty', 'null', 'stale', 'locked'])}.")
            elif k < 0.75:
                parts.append(f"This is O(n log n) because each {rng.choice(WORDS)} is visited once &mdash; {rng.choice(NONASCII)} works too&hellip;")
            elif k < 0.85:
                parts.append(f"Why does <code>a &lt; b</code> hold for the {rng.choice(WORDS)} but not for the {rng.choice(WORDS)}?")
            else:
                parts.append(f"Is there a <em>{rng.choice(['cleaner', 'faster', 'safer', 'idiomatic'])}</em> way to {rng.choice(VERBS)} {rng.randint(2, 90000)} {rng.choice(WORDS)}s?")
        p = "<p>" + " ".join(parts) + "</p>"
        if rng.random() < 0.08:
            p = "<ul>\n" + "".join(f"<li>{rng.choice(VERBS)} the {rng.choice(WORDS)}</li>\n" for _ in range(rng.randint(2, 5))) + "</ul>"
        elif rng.random() < 0.05:
            p = "<blockquote>\n  " + p + "\n</blockquote>"
        paras.append(esc(p))
    titles = [xml_attr(rng.choice([
        f"How do I {rng.choice(VERBS)} a {rng.choice(WORDS)} in {rng.choice(LANGS)} without {rng.choice(VERBS)}ing the {rng.choice(WORDS)}?",
        f"Why does {rng.choice(WORDS)}_{rng.choice(WORDS)} {rng.choice(VERBS)} the {rng.choice(WORDS)} twice?",
        f"{rng.choice(LANGS)}: {rng.choice(VERBS)} {rng.choice(WORDS)}s by {rng.choice(WORDS)} (< {rng.randint(2, 999)} ms)",
        f"Fastest way to {rng.choice(VERBS)} {rng.randint(2, 500)} {rng.choice(WORDS)}s & {rng.choice(WORDS)}s",
        f"Error \"{rng.choice(WORDS)} not found\" when I {rng.choice(VERBS)} a {rng.choice(NONASCII)} {rng.choice(WORDS)}",
    ])) for _ in range(20000)]
    tag_sets = []
    for _ in range(3000):
        ts = [rng.choice(LANGS)] + rng.sample(TAGS, rng.randint(0, 4))
        ts = list(dict.fromkeys(ts))
        tag_sets.append(ts)
    names = [xml_attr(f"{rng.choice(['anon', 'guest', 'Jürgen', '用户', 'maría'])}{rng.randint(1, 9999)}") for _ in range(500)]
    return code_lines, paras, titles, tag_sets, names, time.time() - t


def fmt(ts, ms):
    g = time.gmtime(ts)
    return f"{g.tm_year:04d}-{g.tm_mon:02d}-{g.tm_mday:02d}T{g.tm_hour:02d}:{g.tm_min:02d}:{g.tm_sec:02d}.{ms:03d}"


def license_for(last):
    return "CC BY-SA 2.5" if last < B1 else "CC BY-SA 3.0" if last < B2 else "CC BY-SA 4.0"


class Sink:
    """Uncompressed bytes in, a file out (optionally through zstd)."""

    def __init__(self, path, zst, level):
        self.proc = None
        self.zw = None
        self.f = open(path, "wb")
        self.how = "plain"
        if zst:
            try:
                import zstandard
                self.zw = zstandard.ZstdCompressor(level=level, threads=-1, write_checksum=True).stream_writer(self.f, closefd=False)
                self.how = "zstandard module"
            except ImportError:
                if not shutil.which("zstd"):
                    sys.exit("--zst needs the zstandard module or the zstd CLI")
                self.proc = subprocess.Popen(["zstd", "-q", f"-{level}", "-T0", "-c"], stdin=subprocess.PIPE, stdout=self.f)
                self.how = "zstd CLI"
        self.bytes = 0

    def write(self, data):
        self.bytes += len(data)
        if self.zw is not None:
            self.zw.write(data)
        elif self.proc is not None:
            self.proc.stdin.write(data)
        else:
            self.f.write(data)

    def close(self):
        if self.zw is not None:
            self.zw.close()
        if self.proc is not None:
            self.proc.stdin.close()
            if self.proc.wait() != 0:
                sys.exit("zstd failed")
        self.f.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-gb", type=float, required=True, help="uncompressed size to reach (10^9 bytes per GB)")
    ap.add_argument("--out", required=True, help="output path (with --zst, '.zst' is appended when missing)")
    ap.add_argument("--zst", action="store_true", help="compress with zstd while writing")
    ap.add_argument("--level", type=int, default=3, help="zstd level (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--tag-style", choices=["angle", "pipe"], default="angle",
                    help="Tags as <a><b> (old dumps, default) or |a|b| (new dumps)")
    ap.add_argument("--crlf", action="store_true", help="end lines with CR LF")
    args = ap.parse_args()

    out = args.out
    if args.zst and not out.endswith(".zst"):
        out += ".zst"
    os.makedirs(os.path.dirname(os.path.abspath(out)) or ".", exist_ok=True)
    target = int(args.size_gb * 1e9)
    rng = random.Random(args.seed)
    code_lines, paras, titles, tag_sets, names, pool_s = make_pools(rng)
    if args.tag_style == "angle":
        tag_attrs = [xml_attr("".join(f"<{t}>" for t in ts)) for ts in tag_sets]
    else:
        tag_attrs = ["|" + "|".join(ts) + "|" for ts in tag_sets]
    nl = "\r\n" if args.crlf else "\n"
    PRE_OPEN, PRE_CLOSE, SEP = "&lt;pre&gt;&lt;code&gt;", "&#xA;&lt;/code&gt;&lt;/pre&gt;", "&#xA;&#xA;"
    recent = []  # recent code blocks (lists of escaped lines), for duplicates
    R = rng.random
    randint = rng.randint
    choice = rng.choice

    def code_block(lang):
        k = R()
        if recent and k < 0.04:
            lines = choice(recent)  # exact duplicate of a recent block
        elif recent and k < 0.08:
            lines = list(choice(recent))  # near duplicate: one line changed
            lines[randint(0, len(lines) - 1)] = choice(code_lines[lang])
        else:
            r = R()
            n = randint(1, 3) if r < 0.3 else randint(4, 15) if r < 0.75 else randint(16, 60) if r < 0.95 else randint(61, 200)
            pool = code_lines[lang]
            lines = [choice(pool) for _ in range(n)]
            if len(recent) < 2000:
                recent.append(lines)
            else:
                recent[randint(0, 1999)] = lines
        return PRE_OPEN + "&#xA;".join(lines) + PRE_CLOSE

    def body(lang, n_para, n_code):
        parts = [choice(paras) for _ in range(n_para)]
        for _ in range(n_code):
            parts.insert(randint(1, len(parts)), code_block(lang))
        return SEP.join(parts) + "&#xA;"

    def owner():
        k = R()
        if k < 0.015:
            return ""  # deleted, no name kept
        if k < 0.025:
            return f' OwnerDisplayName="{choice(names)}"'
        if k < 0.03:
            return ' OwnerUserId="-1"'
        return f' OwnerUserId="{randint(1, 22_000_000)}"'

    def score():
        k = R()
        return randint(-15, -1) if k < 0.1 else randint(0, 30) if k < 0.9 else randint(31, 5000)

    def revision(created_ts, created):
        """(edit attributes, activity date, license attribute)"""
        last = created
        edit = ""
        if R() < 0.35:
            ets = min(created_ts + randint(60, 8 * 365 * 86400), END - 1)
            if ets > created_ts:
                last = fmt(ets, randint(0, 999))
                edit = f' LastEditorUserId="{randint(1, 22_000_000)}" LastEditDate="{last}"'
        act = fmt(min(max(created_ts, 0) + randint(0, 400 * 86400), END), randint(0, 999))
        if act < last:
            act = last
        lic = f' ContentLicense="{license_for(last)}"' if R() < 0.9 else ""
        return edit, act, lic

    def ident(slot):
        return 1 + slot * 2 + (slot * 2654435761 >> 7) % 2  # increasing, with gaps

    # slot -> scheduled answer (parent id, accepted flag, lang)
    scheduled = {}
    sink = Sink(out, args.zst, args.level)
    buf = [f'<?xml version="1.0" encoding="utf-8"?>{nl}<posts>{nl}']
    buf_len = 0
    rows = questions = answers = code_blocks_n = 0
    t0 = time.time()
    slot = 0
    span = END - START
    done_bytes = 0
    prev_ts, prev_ms = 0, 0
    while True:
        # dates follow the progress through the target size
        ts = START + int(span * min(done_bytes + buf_len, target) / target)
        ms = randint(0, 999)
        if ts <= prev_ts:  # same second (or the clamped tail): keep dates non-decreasing
            ts, ms = prev_ts, max(ms, prev_ms)
        prev_ts, prev_ms = ts, ms
        created = fmt(ts, ms)
        pid = ident(slot)
        sched = scheduled.pop(slot, None)
        if sched is not None:
            parent, lang = sched
            n_code = choice((0, 1, 1, 1, 2))
            code_blocks_n += n_code
            edit, act, lic = revision(ts, created)
            row = (f'  <row Id="{pid}" PostTypeId="2" ParentId="{parent}" CreationDate="{created}" Score="{score()}" '
                   f'Body="{body(lang, randint(1, 2), n_code)}"{owner()}{edit} LastActivityDate="{act}" '
                   f'CommentCount="{randint(0, 6)}"{lic} />{nl}')
            answers += 1
        else:
            if done_bytes + buf_len >= target:
                # past the target: no new questions; finish the pending answers
                if not scheduled:
                    break
                slot += 1
                continue
            lang = choice(LANGS)
            n_ans = choice((1, 1, 2, 2, 2, 3, 3, 4))
            ans_slots = []
            for _ in range(n_ans):
                s = slot + randint(1, 40)
                while s in scheduled:
                    s += 1
                scheduled[s] = (pid, lang)
                ans_slots.append(s)
            accepted = f' AcceptedAnswerId="{ident(choice(ans_slots))}"' if ans_slots and R() < 0.5 else ""
            n_code = choice((0, 1, 1, 1, 2))
            code_blocks_n += n_code
            edit, act, lic = revision(ts, created)
            row = (f'  <row Id="{pid}" PostTypeId="1"{accepted} CreationDate="{created}" Score="{score()}" '
                   f'ViewCount="{randint(3, 900000)}" Body="{body(lang, randint(1, 3), n_code)}"{owner()}{edit} '
                   f'LastActivityDate="{act}" Title="{choice(titles)}" Tags="{choice(tag_attrs)}" '
                   f'AnswerCount="{n_ans}" CommentCount="{randint(0, 9)}"{lic} />{nl}')
            questions += 1
        buf.append(row)
        buf_len += len(row)  # characters; close enough to bytes for pacing
        rows += 1
        slot += 1
        if buf_len >= 4_000_000:
            sink.write("".join(buf).encode("utf-8"))
            done_bytes = sink.bytes
            buf, buf_len = [], 0
    buf.append(f"</posts>{nl}")
    sink.write("".join(buf).encode("utf-8"))
    sink.close()
    dt = time.time() - t0
    size = os.path.getsize(out)
    print(f"wrote {out}: {rows} rows ({questions} questions, {answers} answers, {code_blocks_n} code blocks), "
          f"{sink.bytes} bytes uncompressed" + (f", {size} bytes on disk ({sink.how})" if args.zst else ""))
    print(f"{dt:.1f} s ({sink.bytes / 1e6 / max(dt, 1e-9):.1f} MB/s uncompressed), pools built in {pool_s:.1f} s")


if __name__ == "__main__":
    main()
