# Writes N distinct code-like JSONL documents for benches/stages/measure.sh:
# each is 12-20 random lines drawn from the source files under SRC, so texts
# share vocabulary but are not near copies.
# Usage: python3 gen_jsonl.py SRC N OUT.jsonl
import os, random, json, sys
random.seed(7)
lines = []
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if d != '.git']
    for f in files:
        if not f.endswith(('.rs', '.py', '.c', '.h', '.go', '.js', '.toml')):
            continue
        try:
            for l in open(os.path.join(root, f), encoding='utf-8'):
                l = l.rstrip('\n')
                if 8 < len(l) < 120:
                    lines.append(l)
        except Exception:
            pass
        if len(lines) > 3_000_000:
            break
print(len(lines), file=sys.stderr)
n = int(sys.argv[2])
with open(sys.argv[3], 'w') as out:
    for i in range(n):
        k = random.randint(12, 20)
        text = '\n'.join(random.choice(lines) for _ in range(k)) + '\n'
        out.write(json.dumps({'id': f'doc{i}', 'repo': f'synthetic/r{i % 5000}', 'path': f'src/f{i}.rs', 'text': text}) + '\n')
