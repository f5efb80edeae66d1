#!/usr/bin/env python3
"""A labelled, synthetic set of credentials and personal data (issue 22).

    python3 benches/filters/gen_secrets.py --out DIR [--seed N] [--count N]

Writes DIR/tree/<repo>/<path> (the set: small source and config files,
.py .js .ts .go .java .yaml .json .env .properties .sh .tf, each under 4 KB),
DIR/labels.jsonl (one row per planted value) and DIR/README.md. --count is the
number of files (default 300); --seed makes the set (default 22): the same
seed and count give the same bytes.

Every value is made here from the vendor's documented shape (prefix, length,
alphabet, and structure where there is one: the JWT header, the DER prefix of
a private key, the PyPI macaroon, the CRC32 checksum of GitHub and npm
tokens). None of them is or was a real credential.

labels.jsonl rows:

    {"file": "billing-api/app/settings.py", "line": 12, "format": "github-pat-classic",
     "kind": "secret", "sha256": "<hex of the value's UTF-8 bytes>", "match": "span"}

* file: path relative to DIR/tree, i.e. corpusledger's `key` when DIR/tree is
  the --input.
* line: the 1-based line where the value starts.
* sha256: of the value exactly as it stands in the file (a PEM block in a JSON
  string is there with its `\\n` escapes; in YAML with its indentation).
* match: "span" (found when a redaction's span_sha256 equals sha256 or one of
  alt_sha256) or "line" (PEM blocks and connection strings, where a rule may
  take a wider or narrower span: found when a redaction starts on the line).
* alt_sha256: other spans that are just as right (a PEM block without its
  escapes, the password of a connection string).
* negative: true for values that must NOT be redacted (placeholders, AWS's
  documented example key, documentation and private IP ranges, version
  numbers, reserved e-mail domains, digests and UUIDs).

Each labelled value is alone on its line (no two labels share a line), so a
redaction on a labelled line is attributable. The generator re-reads every
file after writing and asserts that each value starts on its labelled line.
"""

import argparse
import base64
import binascii
import hashlib
import ipaddress
import json
import os
import random
import shutil
import string
import sys
import uuid

UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
DIGITS = string.digits
ALNUM = UPPER + LOWER + DIGITS
BASE62 = DIGITS + UPPER + LOWER  # order used for the GitHub-style checksum
HEX = "0123456789abcdef"
B32 = UPPER + "234567"
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"
PASSWORD_SYMBOLS = "!@#%^&*-_+=.?~"

MAX_FILE_BYTES = 4000  # files stay under 4 KB

# --------------------------------------------------------------------------
# values


def pick(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def base62(n: int, width: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = BASE62[r] + out
    return out.rjust(width, "0")


def checksummed(rng, prefix):
    """GitHub's token shape (also npm's): 30 random base62 characters and a
    6-character base62 CRC32 of them, after the prefix."""
    body = pick(rng, ALNUM, 30)
    return prefix + body + base62(binascii.crc32(body.encode()) & 0xFFFFFFFF, 6)


def aws_key_id(rng):
    return "AKIA" + pick(rng, B32, 16)


def aws_secret(rng):
    return pick(rng, B64, 40)


def github_fine_grained(rng):
    return "github_pat_11" + pick(rng, UPPER + DIGITS, 20) + "_" + pick(rng, ALNUM, 59)


def gitlab_pat(rng):
    return "glpat-" + pick(rng, ALNUM + "-_", 20)


def slack_bot(rng):
    return "xoxb-%s-%s-%s" % (pick(rng, DIGITS, rng.randint(10, 13)), pick(rng, DIGITS, rng.randint(10, 13)),
                              pick(rng, ALNUM, 24))


def slack_webhook(rng):
    return "https://hooks.slack.com/services/T%s/B%s/%s" % (
        pick(rng, UPPER + DIGITS, rng.choice((8, 10))), pick(rng, UPPER + DIGITS, rng.choice((8, 10))),
        pick(rng, ALNUM, 24))


def stripe(rng, prefix):
    return prefix + pick(rng, ALNUM, rng.choice((24, 24, 34, 99)))


def google_api_key(rng):
    return "AIza" + pick(rng, B64URL, 35)


def openai_key(rng):
    n = rng.choice((58, 74))
    return "sk-proj-" + pick(rng, B64URL, n) + "T3BlbkFJ" + pick(rng, B64URL, n)


def anthropic_key(rng):
    return "sk-ant-api03-" + pick(rng, B64URL, 93) + "AA"


def pypi_token(rng):
    """A macaroon as PyPI issues them: version 2, location pypi.org, a
    uuid identifier, a JSON caveat, a 32-byte signature; base64url."""

    def field(kind, data):
        return bytes([kind, len(data)]) + data

    ident = str(uuid.UUID(int=rng.getrandbits(128), version=4)).encode()
    if rng.random() < 0.5:
        caveat = {"version": 1, "permissions": "user"}
    else:
        caveat = {"version": 1, "permissions": {"projects": [rng.choice(PROJECT_WORDS) + "-" + rng.choice(NOUNS)]}}
    caveat = json.dumps(caveat, separators=(",", ":")).encode()
    raw = (b"\x02" + field(1, b"pypi.org") + field(2, ident) + b"\x00" + field(2, caveat) + b"\x00\x00"
           + field(6, bytes(rng.getrandbits(8) for _ in range(32))))
    return "pypi-" + b64url(raw)


def sendgrid(rng):
    return "SG." + pick(rng, B64URL, 22) + "." + pick(rng, B64URL, 43)


def twilio(rng):
    return "SK" + pick(rng, HEX, 32)


def mailgun_hex(rng):
    return "key-" + pick(rng, HEX, 32)


def mailgun_base36(rng):
    # the shape of the key in Mailgun's own documentation examples
    return "key-" + pick(rng, LOWER + DIGITS, 32)


def shopify(rng):
    return "shpat_" + pick(rng, HEX, 32)


def huggingface(rng):
    return "hf_" + pick(rng, UPPER + LOWER, 34)


def digitalocean(rng):
    return "dop_v1_" + pick(rng, HEX, 64)


def jwt(rng):
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    iat = rng.randint(1_560_000_000, 1_760_000_000)
    claims = {"sub": str(rng.randint(10**6, 10**10)) if rng.random() < 0.5
              else str(uuid.UUID(int=rng.getrandbits(128), version=4)),
              "name": "%s %s" % (rng.choice(FIRST), rng.choice(LAST)), "iat": iat}
    if rng.random() < 0.6:
        claims["exp"] = iat + rng.choice((3600, 86400, 2592000))
    if rng.random() < 0.4:
        claims["role"] = rng.choice(("admin", "service", "reader"))
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    return "%s.%s.%s" % (header, payload, b64url(bytes(rng.getrandbits(8) for _ in range(32))))


def rand_bytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def der_len(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return bytes([0x82, n >> 8, n & 0xFF])


def der(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def der_int(rng, nbytes):
    """A positive INTEGER of nbytes random bytes (high bit set, so a 0x00 pad)."""
    value = bytes([rng.randint(0x80, 0xFF)]) + rand_bytes(rng, nbytes - 1)
    return der(0x02, b"\x00" + value)


def rsa_pkcs1(rng):
    """An RSAPrivateKey of 2048 bits: version, n, e, d, p, q, dp, dq, qinv."""
    body = (b"\x02\x01\x00" + der_int(rng, 256) + b"\x02\x03\x01\x00\x01" + der_int(rng, 256)
            + der_int(rng, 128) + der_int(rng, 128) + der_int(rng, 128) + der_int(rng, 128) + der_int(rng, 128))
    return der(0x30, body)


def pem_wrap(label, data, width=64):
    text = base64.b64encode(data).decode()
    lines = [text[i:i + width] for i in range(0, len(text), width)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (label, "\n".join(lines), label)


def pem_rsa(rng):
    return pem_wrap("RSA PRIVATE KEY", rsa_pkcs1(rng))


def pem_ec(rng):
    # ECPrivateKey on P-256: version 1, 32-byte key, the curve OID, the public point
    body = (b"\x02\x01\x01" + der(0x04, rand_bytes(rng, 32))
            + der(0xA0, der(0x06, bytes.fromhex("2a8648ce3d030107")))
            + der(0xA1, der(0x03, b"\x00\x04" + rand_bytes(rng, 64))))
    return pem_wrap("EC PRIVATE KEY", der(0x30, body))


def pem_pkcs8(rng):
    if rng.random() < 0.5:  # Ed25519
        body = (b"\x02\x01\x00" + der(0x30, der(0x06, bytes.fromhex("2b6570")))
                + der(0x04, der(0x04, rand_bytes(rng, 32))))
    else:  # RSA 2048
        body = (b"\x02\x01\x00" + der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
                + der(0x04, rsa_pkcs1(rng)))
    return pem_wrap("PRIVATE KEY", der(0x30, body))


def pem_openssh(rng):
    """An unencrypted ed25519 key in OpenSSH's own format."""

    def s(data):
        return len(data).to_bytes(4, "big") + data

    pub = rand_bytes(rng, 32)
    pub_blob = s(b"ssh-ed25519") + s(pub)
    check = rand_bytes(rng, 4)
    comment = ("%s@%s" % (rng.choice(FIRST).lower(), rng.choice(HOSTS))).encode()
    private = check + check + s(b"ssh-ed25519") + s(pub) + s(rand_bytes(rng, 32) + pub) + s(comment)
    private += bytes(range(1, 1 + (-len(private)) % 8))
    data = b"openssh-key-v1\x00" + s(b"none") + s(b"none") + s(b"") + (1).to_bytes(4, "big") + s(pub_blob) + s(private)
    return pem_wrap("OPENSSH PRIVATE KEY", data, width=70)


def password(rng):
    n = rng.randint(12, 24)
    while True:
        value = pick(rng, ALNUM + PASSWORD_SYMBOLS, n)
        if (any(c in PASSWORD_SYMBOLS for c in value) and any(c.isdigit() for c in value)
                and any(c.isupper() for c in value) and value[0] not in "-#"):
            return value


def api_key_value(rng):
    roll = rng.random()
    if roll < 0.4:
        return pick(rng, ALNUM, rng.randint(32, 48))
    if roll < 0.7:
        return pick(rng, HEX, rng.choice((32, 40, 64)))
    return pick(rng, B64URL, rng.randint(32, 44))


def django_secret(rng):
    return pick(rng, LOWER + DIGITS + "!@#%^&*(-_=+)", 50)


def url_password(rng):
    return pick(rng, ALNUM, rng.randint(14, 24)) if rng.random() < 0.7 else pick(rng, ALNUM + "-_", rng.randint(16, 28))


def public_ipv4(rng):
    while True:
        addr = ipaddress.IPv4Address(rng.getrandbits(32))
        first = int(str(addr).split(".")[0])
        if (1 <= first <= 223 and first != 10 and addr.is_global and not addr.is_multicast
                and not addr.is_reserved and not any(addr in n for n in IPV4_NOT_PII)):
            return str(addr)


def public_ipv6(rng):
    prefix = rng.choice(IPV6_PREFIXES)
    groups = prefix + [rng.getrandbits(16) for _ in range(8 - len(prefix))]
    if rng.random() < 0.35:  # a host part of mostly zeros (::1, ::a:1 ...)
        for i in range(4, 7):
            groups[i] = 0
        groups[7] = rng.choice((1, 2, 0x10, 0x53, 0x443, rng.getrandbits(16)))
    addr = ipaddress.IPv6Address(":".join("%x" % g for g in groups))
    assert addr.is_global and addr not in IPV6_DOC, addr
    return str(addr)


IPV4_NOT_PII = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3")]
IPV6_DOC = ipaddress.ip_network("2001:db8::/32")
# prefixes of real allocations (Google, Cloudflare, Hetzner, Meta, DigitalOcean, AWS, OVH, Linode)
IPV6_PREFIXES = [[0x2001, 0x4860], [0x2606, 0x4700], [0x2a01, 0x4f8], [0x2a03, 0x2880], [0x2604, 0xa880],
                 [0x2600, 0x1f18], [0x2001, 0x41d0], [0x2600, 0x3c00], [0x2a00, 0x1450], [0x2400, 0xcb00]]

FIRST = ("Anna Bruno Chen Dmitri Elif Fatima Gustavo Hana Ivan Jonas Kaito Leila Mateo Nadia Oskar Priya "
         "Quentin Rosa Samir Tomasz Uma Viktor Wen Ximena Yusuf Zoe Ingrid Kwame Lucia Mehmet").split()
LAST = ("Silva Novak Kowalski Haddad Tanaka Okafor Schmidt Rossi Dubois Jensen Petrov Moreau Nguyen Garcia "
        "Lindqvist Fischer Ivanova Costa Yilmaz Kim Murphy Santos Weber Horvat Ahmed Larsen Bianchi").split()
MAIL_PROVIDERS = ("gmail.com gmail.com gmail.com outlook.com hotmail.com yahoo.com icloud.com proton.me "
                  "protonmail.com gmx.de web.de fastmail.com yandex.ru orange.fr free.fr libero.it "
                  "btinternet.com comcast.net mail.ru qq.com").split()
COMPANY_DOMAINS = ("brightlane.io northwind-analytics.com kestrelsoft.de tidewater-labs.com quillstack.dev "
                   "ferrovia.it halcyon-data.co.uk mapleforge.ca").split()
HOSTS = "build-01 laptop ci-runner devbox web-3".split()
PROJECT_WORDS = ("billing orders ledger atlas harbor falcon pixel nimbus cobalt ember quartz relay "
                 "meridian tundra lumen orbit beacon cascade vertex sprout").split()
NOUNS = "api service worker gateway sync bot cli infra web jobs admin etl".split()


def person_email(rng):
    first, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower()
    local = rng.choice((first + "." + last, first[0] + last, first + last[0] + str(rng.randint(1, 99)),
                        first + "_" + last, last + "." + first))
    domain = rng.choice(MAIL_PROVIDERS) if rng.random() < 0.75 else rng.choice(COMPANY_DOMAINS)
    return local + "@" + domain, "%s %s" % (first.title(), last.title())


# --------------------------------------------------------------------------
# names, per syntax


def name_in(style, words):
    """words: a lowercase phrase like 'github token'."""
    parts = words.split()
    if style == "SCREAMING":
        return "_".join(parts).upper()
    if style == "snake":
        return "_".join(parts)
    if style == "camel":
        return parts[0] + "".join(p.title() for p in parts[1:])
    if style == "Pascal":
        return "".join(p.title() for p in parts)
    if style == "dotted":
        return ".".join(parts)
    raise ValueError(style)


STYLE = {"py": "SCREAMING", "sh": "SCREAMING", "env": "SCREAMING", "java": "SCREAMING", "js": "camel",
         "ts": "camel", "go": "camel", "yaml": "snake", "json": "snake", "tf": "snake", "properties": "dotted"}
# syntaxes where a value stands in a quoted string
QUOTED = {"py", "js", "ts", "go", "java", "json", "tf", "sh"}
EXTS = ["py", "js", "ts", "go", "java", "yaml", "json", "env", "properties", "sh", "tf"]


class Item:
    """Lines of a file holding labelled values.

    lines: the item's lines (for JSON: object members, without commas);
    values: [(text as it stands in the file, label dict)]."""

    def __init__(self, lines, values):
        self.lines = lines
        self.values = values


def label(fmt, kind, negative=False, match="span", alt=()):
    row = {"format": fmt, "kind": kind, "match": match}
    if alt:
        row["alt"] = list(alt)
    if negative:
        row["negative"] = True
    return row


# names taken in the file being laid out (build_file resets it), so that no
# name is assigned twice in one file
TAKEN = set()
PROJECT = ["app"]  # the project of the file being laid out
SUFFIXES = ("backup", "secondary", "staging", "old", "legacy", "fallback", "extra")


def unique_name(style, words):
    name = name_in(style, words)
    i = 0
    while name in TAKEN:
        name = name_in(style, words + " " + SUFFIXES[i % len(SUFFIXES)] + ("" if i < len(SUFFIXES) else " %d" % i))
        i += 1
    TAKEN.add(name)
    return name


def take(name):
    """True (and the name is taken) when name is still free in the file."""
    if name in TAKEN:
        return False
    TAKEN.add(name)
    return True


def assign(syn, words, value, quote=None):
    """One line that assigns value to a name made of words, in syntax syn."""
    name = unique_name(STYLE[syn], words)
    q = '"' if (quote if quote is not None else syn in QUOTED) else ""
    if syn == "py":
        return "%s = %s%s%s" % (name, q, value, q)
    if syn == "js":
        return "const %s = %s%s%s;" % (name, q, value, q)
    if syn == "ts":
        return "export const %s%s = %s%s%s;" % (name, ": string" if q else "", q, value, q)
    if syn == "go":
        return "var %s = %s%s%s" % (name, q, value, q)
    if syn == "java":
        return "    private static final String %s = %s%s%s;" % (name, q, value, q)
    if syn == "yaml":
        return '  %s: %s' % (name, '"%s"' % value if quote else value)
    if syn == "json":
        return '  "%s": %s%s%s' % (name, q, value, q)
    if syn == "env":
        return "%s=%s" % (name, '"%s"' % value if quote else value)
    if syn == "properties":
        return "%s=%s" % (name, value)
    if syn == "sh":
        return "export %s=%s%s%s" % (name, q, value, q)
    if syn == "tf":
        return "  %s = %s%s%s" % (name, q, value, q)
    raise ValueError(syn)


def single(syn, words, value, fmt, kind, negative=False, quote=None, match="span", alt=()):
    return Item([assign(syn, words, value, quote)], [(value, label(fmt, kind, negative, match, alt))])


BEARER_LINES = {
    "py": 'HEADERS = {"Authorization": "Bearer %s"}',
    "js": 'const headers = { Authorization: "Bearer %s" };',
    "ts": 'const headers: Record<string, string> = { Authorization: "Bearer %s" };',
    "sh": 'curl -fsS -H "Authorization: Bearer %s" "$API_URL/v1/status"',
    "go": 'var authHeader = "Bearer %s"',
}


def token_item(rng, syn, fmt, value, names):
    """A token as an assignment, or now and then in a Bearer header."""
    if syn in BEARER_LINES and rng.random() < 0.25 and take("bearer:" + syn):
        return Item([BEARER_LINES[syn] % value], [(value, label(fmt, "secret"))])
    return single(syn, rng.choice(names), value, fmt, "secret")


def simple_secret(fmt, make, names):
    def render(rng, syn):
        return token_item(rng, syn, fmt, make(rng), names)
    return render


def aws_pair(rng, syn):
    key_id, secret = aws_key_id(rng), aws_secret(rng)
    if syn == "py" and rng.random() < 0.4 and take("s3"):
        lines = ['s3 = boto3.client("s3",', '    aws_access_key_id="%s",' % key_id,
                 '    aws_secret_access_key="%s",' % secret, '    region_name="%s")' % rng.choice(REGIONS)]
    else:
        lines = [assign(syn, "aws access key id", key_id), assign(syn, "aws secret access key", secret)]
    return Item(lines, [(key_id, label("aws-access-key-id", "secret")),
                        (secret, label("aws-secret-access-key", "secret"))])


REGIONS = "us-east-1 us-west-2 eu-west-1 eu-central-1 ap-southeast-2".split()


def slack_webhook_item(rng, syn):
    url = slack_webhook(rng)
    if syn == "py" and rng.random() < 0.3:
        return Item(['requests.post("%s", json={"text": message}, timeout=10)' % url],
                    [(url, label("slack-webhook-url", "secret"))])
    if syn == "sh" and rng.random() < 0.4:
        return Item(["curl -X POST -H 'Content-type: application/json' --data \"{\\\"text\\\":\\\"$MSG\\\"}\" %s" % url],
                    [(url, label("slack-webhook-url", "secret"))])
    return single(syn, rng.choice(("slack webhook url", "slack webhook", "alerts webhook url")), url,
                  "slack-webhook-url", "secret")


PEM_NAMES = ("private key", "tls private key", "ssh private key", "signing key", "deploy key")


def pem_item(fmt, make):
    def render(rng, syn):
        pem = make(rng)
        words = rng.choice(PEM_NAMES)
        name = unique_name(STYLE[syn], words)
        canonical = hashlib.sha256(pem.encode()).hexdigest()
        if syn in ("json", "properties", "env"):
            inline = pem.replace("\n", "\\n") + "\\n"
            text = pem.replace("\n", "\\n")
            if syn == "json":
                line = '  "%s": "%s"' % (name, inline)
            elif syn == "env":
                line = '%s="%s"' % (name, inline)
            else:
                line = "%s=%s" % (name, inline)
            return Item([line], [(text, label(fmt, "secret", match="line", alt=[canonical]))])
        if syn == "yaml":
            indent = "    "
            body = pem.split("\n")
            lines = ["  %s: |" % name] + [indent + b for b in body]
            return Item(lines, [(pem.replace("\n", "\n" + indent), label(fmt, "secret", match="line", alt=[canonical]))])
        body = pem.split("\n")
        if syn == "py":
            lines = ['%s = """%s' % (name, body[0])] + body[1:] + ['"""']
        elif syn in ("js", "ts"):
            lines = ["const %s = `%s" % (name, body[0])] + body[1:] + ["`;"]
        elif syn == "go":
            lines = ["var %s = `%s" % (name, body[0])] + body[1:] + ["`"]
        elif syn == "java":
            lines = ['    private static final String %s = """' % name] + ["        " + b for b in body] + ['        """;']
            return Item(lines, [(pem.replace("\n", "\n        "), label(fmt, "secret", match="line", alt=[canonical]))])
        elif syn == "sh":
            lines = ["cat > \"$HOME/.ssh/id_deploy\" <<'EOF'"] + body + ["EOF"]
        elif syn == "tf":
            lines = ["  %s = <<EOT" % name] + body + ["EOT"]
        else:
            raise ValueError(syn)
        return Item(lines, [(pem, label(fmt, "secret", match="line"))])
    return render


DB_HOSTS = {
    "postgres-url": ("{p}-prod.c9akciq32xyz.us-east-1.rds.amazonaws.com", "{p}-db.postgres.database.azure.com",
                     "db.{p}-prod.com", "pg-{n}.{p}.internal"),
    "mysql-url": ("{p}.cluster-cx2kd9lq0a.eu-west-1.rds.amazonaws.com", "mysql-{n}.{p}.cloud", "db.{p}-prod.com"),
    "mongodb-url": ("cluster0.{s}.mongodb.net", "{p}.{s}.mongodb.net"),
    "redis-url": ("redis-{n}.c{m}.us-east-1-2.ec2.cloud.redislabs.com", "cache.{p}-prod.com", "{p}-cache.redis.cache.windows.net"),
}


def conn_item(fmt):
    def render(rng, syn):
        proj = PROJECT[0]
        host = rng.choice(DB_HOSTS[fmt]).format(p=proj, n=rng.randint(10000, 19999), m=rng.randint(1, 300),
                                                s=pick(rng, LOWER + DIGITS, 5))
        pw = url_password(rng)
        user = rng.choice(("app", "admin", "svc_" + proj, proj, "deploy",
                           {"postgres-url": "postgres", "mysql-url": "root", "mongodb-url": "dbadmin"}.get(fmt, "app")))
        db = proj + rng.choice(("", "_prod", "_db", "_main"))
        if fmt == "postgres-url":
            url = "%s://%s:%s@%s:5432/%s" % (rng.choice(("postgres", "postgresql")), user, pw, host, db)
            words = rng.choice(("database url", "db url", "postgres dsn"))
        elif fmt == "mysql-url":
            url = "mysql://%s:%s@%s:3306/%s" % (user, pw, host, db)
            words = rng.choice(("database url", "mysql url"))
        elif fmt == "mongodb-url":
            url = "mongodb+srv://%s:%s@%s/%s?retryWrites=true&w=majority" % (user, pw, host, db)
            words = rng.choice(("mongo uri", "mongodb url"))
        else:
            url = "redis://:%s@%s:6379/%d" % (pw, host, rng.randint(0, 3))
            words = rng.choice(("redis url", "cache url", "celery broker url"))
        alt = [hashlib.sha256(pw.encode()).hexdigest()]
        return Item([assign(syn, words, url)], [(url, label(fmt, "secret", match="line", alt=alt))])
    return render


def generic_password(rng, syn):
    value = password(rng)
    words = rng.choice(("password", "db password", "admin password", "smtp password", "mail password"))
    quote = True if syn in ("yaml", "env") else None
    return single(syn, words, value, "generic-password", "secret", quote=quote)


def generic_api_key(rng, syn):
    value = api_key_value(rng)
    words = rng.choice(("api key", "client secret", "auth token", "access token", "app secret", "webhook secret"))
    return single(syn, words, value, "generic-api-key", "secret")


def generic_secret_key(rng, syn):
    if syn == "py":
        value = django_secret(rng)
    else:
        value = pick(rng, HEX, rng.choice((64, 128))) if rng.random() < 0.5 else pick(rng, ALNUM, 50)
    words = rng.choice(("secret key", "secret key base", "session secret", "jwt secret"))
    return single(syn, words, value, "generic-secret-key", "secret")


# --------------------------------------------------------------------------
# personal data


def email_item(rng, syn):
    email, person = person_email(rng)
    lab = label("email", "pii")
    roll = rng.random()
    comment = {"py": "#", "sh": "#", "env": "#", "properties": "#", "yaml": "#", "tf": "#",
               "js": "//", "ts": "//", "go": "//"}.get(syn)
    if comment and roll < 0.4:
        what = rng.choice(("Author", "Maintainer", "Contact", "Owner"))
        return Item(["%s %s: %s <%s>" % (comment, what, person, email)], [(email, lab)])
    if syn == "java" and roll < 0.6:
        return Item(["/**", " * Settings of the %s service." % rng.choice(PROJECT_WORDS),
                     " * @author %s <%s>" % (person, email), " */"], [(email, lab)])
    if syn == "sh" and roll < 0.7:
        return Item(['git config user.email "%s"' % email], [(email, lab)])
    if syn == "py" and roll < 0.7 and take("__author_email__"):
        return Item(['__author_email__ = "%s"' % email], [(email, lab)])
    words = rng.choice(("admin email", "owner email", "notify email", "support contact", "mail from"))
    return single(syn, words, email, "email", "pii")


def ipv4_item(rng, syn):
    ip = public_ipv4(rng)
    lab = label("ipv4-public", "pii")
    comment = {"py": "#", "sh": "#", "yaml": "#", "tf": "#", "js": "//", "ts": "//", "go": "//", "java": "    //"}.get(syn)
    if comment and rng.random() < 0.3:
        what = rng.choice(("Blocked %s after repeated login failures", "Old bastion host was %s",
                           "Customer VPN egress: %s"))
        return Item(["%s %s" % (comment, what % ip)], [(ip, lab)])
    if syn == "sh" and rng.random() < 0.5:
        return Item(["ssh -o StrictHostKeyChecking=no deploy@%s 'sudo systemctl restart app'" % ip], [(ip, lab)])
    if syn == "tf" and rng.random() < 0.5:
        return Item(['  allowed_cidrs = ["%s/32"]' % ip], [(ip, lab)])
    words = rng.choice(("server ip", "db host", "origin ip", "bastion host", "smtp host"))
    return single(syn, words, ip, "ipv4-public", "pii")


def ipv6_item(rng, syn):
    ip = public_ipv6(rng)
    words = rng.choice(("server ipv6", "origin ipv6", "bind address v6", "peer address"))
    return single(syn, words, ip, "ipv6-public", "pii", quote=True if syn == "yaml" else None)


# --------------------------------------------------------------------------
# negatives


def placeholder_item(rng, syn):
    value, words = rng.choice((("YOUR_API_KEY", "api key"), ("<token>", "auth token"), ("xxxxxxxx", "password"),
                               ("changeme", "db password"), ("********", "smtp password"),
                               ("REPLACE_ME", "client secret"), ("<your-password-here>", "admin password"),
                               ("your-secret-key", "secret key")))
    quote = True if syn in ("yaml", "env") and value[0] in "<*" else None
    return single(syn, words, value, "placeholder", "secret", negative=True, quote=quote)


def prefixed_placeholder_item(rng, syn):
    value, words = rng.choice((("ghp_" + "x" * 36, "github token"), ("sk_live_" + "x" * 24, "stripe secret key"),
                               ("AKIAXXXXXXXXXXXXXXXX", "aws access key id"), ("xoxb-your-bot-token", "slack bot token"),
                               ("sk-proj-...", "openai api key")))
    return single(syn, words, value, "placeholder-prefixed", "secret", negative=True)


def template_item(rng, syn):
    var = rng.choice(("SECRET", "API_TOKEN", "DB_PASSWORD", "STRIPE_KEY"))
    value = "${%s}" % var
    if syn == "tf":
        value = "${var.%s}" % var.lower()
    return single(syn, var.lower().replace("_", " "), value, "template-reference", "secret", negative=True)


ENV_EXPR = {"py": 'os.environ["%s"]', "js": "process.env.%s", "ts": "process.env.%s!", "go": 'os.Getenv("%s")',
            "java": 'System.getenv("%s")', "sh": '"${%s:?}"', "yaml": "${%s}", "json": "${%s}",
            "env": "${VAULT_%s}", "properties": "${%s}", "tf": "var.%s"}


def env_reference_item(rng, syn):
    var = rng.choice(("API_KEY", "GITHUB_TOKEN", "DATABASE_PASSWORD", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY"))
    expr = ENV_EXPR[syn] % (var.lower() if syn == "tf" else var)
    quote = syn == "json"
    return single(syn, var.lower().replace("_", " "), expr, "env-reference", "secret", negative=True, quote=quote)


def aws_example_item(rng, syn):
    key_id, secret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    lines = [assign(syn, "aws access key id", key_id), assign(syn, "aws secret access key", secret)]
    return Item(lines, [(key_id, label("aws-example-key", "secret", negative=True)),
                        (secret, label("aws-example-key", "secret", negative=True))])


def doc_ipv4_item(rng, syn):
    net = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
    ip = "%s.%d" % (net, rng.randint(1, 254))
    return single(syn, rng.choice(("server ip", "upstream host", "test host")), ip, "ipv4-documentation", "pii",
                  negative=True)


def doc_ipv6_item(rng, syn):
    ip = str(ipaddress.IPv6Address("2001:db8::") + rng.getrandbits(rng.choice((8, 16, 32, 64))))
    return single(syn, rng.choice(("server ipv6", "peer address")), ip, "ipv6-documentation", "pii", negative=True,
                  quote=True if syn == "yaml" else None)


def private_ip_item(rng, syn):
    roll = rng.random()
    if roll < 0.2:
        ip, fmt = "127.0.0.1", "ipv4-loopback"
    elif roll < 0.5:
        ip, fmt = "10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)), "ipv4-private"
    elif roll < 0.8:
        ip, fmt = "192.168.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254)), "ipv4-private"
    else:
        ip, fmt = "172.%d.%d.%d" % (rng.randint(16, 31), rng.randint(0, 255), rng.randint(1, 254)), "ipv4-private"
    return single(syn, rng.choice(("db host", "redis host", "bind address", "internal api host")), ip, fmt, "pii",
                  negative=True)


def version_item(rng, syn):
    version = "%d.%d.%d.%d" % (rng.randint(1, 9), rng.randint(0, 20), rng.randint(0, 9), rng.randint(1, 40))
    lab = label("version-number", "pii", negative=True)
    comment = {"py": "#", "sh": "#", "yaml": "#", "tf": "#", "env": "#", "properties": "#",
               "js": "//", "ts": "//", "go": "//", "java": "    //"}.get(syn)
    if comment and rng.random() < 0.4:
        return Item(["%s Tested with version %s of the client library." % (comment, version)], [(version, lab)])
    if syn == "py" and rng.random() < 0.5 and take("__version__"):
        return Item(['__version__ = "%s"' % version], [(version, lab)])
    return single(syn, rng.choice(("version", "app version", "sdk version")), version, "version-number", "pii",
                  negative=True)


def reserved_email_item(rng, syn):
    local = rng.choice(("alice", "bob", "admin", "noreply", "user", "jane.doe", "support"))
    domain = rng.choice(("example.com", "example.org", "example.net", "localhost", "example.com", "mail.example.com",
                         "myapp.test"))
    email = local + "@" + domain
    return single(syn, rng.choice(("admin email", "mail from", "default sender")), email, "email-reserved-domain",
                  "pii", negative=True)


def digest_item(rng, syn):
    roll = rng.random()
    if roll < 0.4:
        value, words = pick(rng, HEX, 40), rng.choice(("git commit", "build revision"))
    elif roll < 0.7:
        value, words = pick(rng, HEX, 64), rng.choice(("archive sha256", "checksum"))
    else:
        value, words = str(uuid.UUID(int=rng.getrandbits(128), version=4)), rng.choice(("request id", "tenant id", "build id"))
    return single(syn, words, value, "digest-or-uuid", "secret", negative=True)


# --------------------------------------------------------------------------
# the catalogue

SECRET_FORMATS = {
    "aws-access-key-pair": aws_pair,
    "github-pat-classic": simple_secret("github-pat-classic", lambda r: checksummed(r, "ghp_"),
                                        ("github token", "gh token", "github pat")),
    "github-pat-fine-grained": simple_secret("github-pat-fine-grained", github_fine_grained,
                                             ("github token", "gh pat")),
    "github-oauth": simple_secret("github-oauth", lambda r: checksummed(r, "gho_"),
                                  ("github oauth token", "gh oauth token")),
    "gitlab-pat": simple_secret("gitlab-pat", gitlab_pat, ("gitlab token", "gitlab private token", "ci token")),
    "slack-bot-token": simple_secret("slack-bot-token", slack_bot, ("slack bot token", "slack token")),
    "slack-webhook-url": slack_webhook_item,
    "stripe-secret-key": simple_secret("stripe-secret-key", lambda r: stripe(r, "sk_live_"),
                                       ("stripe secret key", "stripe api key")),
    "stripe-restricted-key": simple_secret("stripe-restricted-key", lambda r: stripe(r, "rk_live_"),
                                           ("stripe restricted key", "stripe key")),
    "google-api-key": simple_secret("google-api-key", google_api_key, ("google api key", "maps api key", "firebase api key")),
    "openai-api-key": simple_secret("openai-api-key", openai_key, ("openai api key", "llm api key")),
    "anthropic-api-key": simple_secret("anthropic-api-key", anthropic_key, ("anthropic api key", "claude api key")),
    "npm-token": simple_secret("npm-token", lambda r: checksummed(r, "npm_"), ("npm token", "npm auth token")),
    "pypi-token": simple_secret("pypi-token", pypi_token, ("pypi token", "twine password", "pypi api token")),
    "sendgrid-api-key": simple_secret("sendgrid-api-key", sendgrid, ("sendgrid api key", "mail api key")),
    "twilio-api-key": simple_secret("twilio-api-key", twilio, ("twilio api key", "twilio key sid")),
    "mailgun-api-key": simple_secret("mailgun-api-key", mailgun_hex, ("mailgun api key", "mailgun key")),
    "mailgun-api-key-base36": simple_secret("mailgun-api-key-base36", mailgun_base36, ("mailgun api key",)),
    "shopify-access-token": simple_secret("shopify-access-token", shopify, ("shopify access token", "shopify admin token")),
    "huggingface-token": simple_secret("huggingface-token", huggingface, ("hf token", "hugging face token")),
    "digitalocean-token": simple_secret("digitalocean-token", digitalocean, ("do token", "digitalocean token")),
    "jwt": simple_secret("jwt", jwt, ("jwt", "service jwt", "session token")),
    "pem-rsa": pem_item("pem-rsa", pem_rsa),
    "pem-ec": pem_item("pem-ec", pem_ec),
    "pem-openssh": pem_item("pem-openssh", pem_openssh),
    "pem-pkcs8": pem_item("pem-pkcs8", pem_pkcs8),
    "postgres-url": conn_item("postgres-url"),
    "mysql-url": conn_item("mysql-url"),
    "mongodb-url": conn_item("mongodb-url"),
    "redis-url": conn_item("redis-url"),
    "generic-password": generic_password,
    "generic-api-key": generic_api_key,
    "generic-secret-key": generic_secret_key,
}
PII_FORMATS = {"email": email_item, "ipv4-public": ipv4_item, "ipv6-public": ipv6_item}
NEGATIVE_FORMATS = {
    "placeholder": placeholder_item, "placeholder-prefixed": prefixed_placeholder_item,
    "template-reference": template_item, "env-reference": env_reference_item, "aws-example-key": aws_example_item,
    "ipv4-documentation": doc_ipv4_item, "ipv6-documentation": doc_ipv6_item, "ipv4-private": private_ip_item,
    "version-number": version_item, "email-reserved-domain": reserved_email_item, "digest-or-uuid": digest_item,
}
# how often each appears in one round of the item queue
WEIGHTS = {"email": 3, "ipv4-public": 3, "ipv6-public": 2, "ipv4-private": 2, "placeholder": 2}


# --------------------------------------------------------------------------
# files


FILLER = {
    "py": ["TIMEOUT_SECONDS = {n}", "MAX_RETRIES = {d}", "DEBUG = False",
           'LOG_LEVEL = "info"', 'REGION = "{region}"', 'BUCKET_NAME = "{p}-assets"', "PAGE_SIZE = {n}",
           'SERVICE_NAME = "{p}-{noun}"', "FEATURE_{P}_ENABLED = True"],
    "js": ["const timeoutMs = {n}000;", "const maxRetries = {d};", 'const region = "{region}";',
           'const serviceName = "{p}-{noun}";', "const debug = process.env.NODE_ENV !== \"production\";",
           'const bucket = "{p}-uploads";', "const pageSize = {n};", "// retry with backoff on 429 and 503"],
    "go": ["const defaultTimeout = {n} * time.Second", "const maxRetries = {d}", 'var region = "{region}"',
           'var serviceName = "{p}-{noun}"', "var pageSize = {n}", "// retry with backoff on 429 and 503"],
    "java": ["    private static final int TIMEOUT_SECONDS = {n};", "    private static final int MAX_RETRIES = {d};",
             '    private static final String REGION = "{region}";', '    private static final String SERVICE = "{p}-{noun}";',
             "    // retry with backoff on 429 and 503"],
    "yaml": ["  timeout_seconds: {n}", "  max_retries: {d}", "  region: {region}", "  service_name: {p}-{noun}",
             "  debug: false", "  page_size: {n}", "  # retry with backoff on 429 and 503"],
    "json": ['  "timeout_seconds": {n}', '  "max_retries": {d}', '  "region": "{region}"',
             '  "service_name": "{p}-{noun}"', '  "debug": false', '  "page_size": {n}'],
    "env": ["NODE_ENV=production", "PORT={port}", "LOG_LEVEL=info", "AWS_REGION={region}", "APP_NAME={p}-{noun}",
            "WORKERS={d}", "# {p} {noun} settings"],
    "properties": ["server.port={port}", "app.name={p}-{noun}", "app.region={region}", "http.timeout.seconds={n}",
                   "logging.level.root=INFO", "# {p} {noun} settings", "app.retries={d}"],
    "sh": ['REGION="{region}"', 'APP="{p}-{noun}"', "RETRIES={d}",
           'echo "deploying $APP to $REGION"', "# retry with backoff on 429 and 503"],
    "tf": ['  region = "{region}"', '  name = "{p}-{noun}"', "  instance_count = {d}", "  timeout = {n}",
           '  environment = "production"', "  # {p} {noun} settings"],
}
FILLER["ts"] = FILLER["js"]

PATHS = {
    "py": ["app/settings.py", "config.py", "scripts/deploy.py", "{p}/conf.py", "tools/sync_{noun}.py", "src/{p}/client.py"],
    "js": ["src/config.js", "config/default.js", "scripts/notify.js", "lib/{noun}.js"],
    "ts": ["src/config.ts", "src/lib/{noun}-client.ts", "app/env.ts"],
    "go": ["internal/config/config.go", "cmd/{p}/main.go", "pkg/{noun}/client.go"],
    "java": ["src/main/java/com/{p}/{Noun}Config.java", "src/main/java/io/{p}/{noun}/Settings{Noun}.java"],
    "yaml": ["config/production.yaml", "deploy/values.yaml", "config/{noun}.yml", "settings.yaml"],
    "json": ["config/production.json", "credentials.json", "config/{noun}.json", "appsettings.json"],
    "env": [".env", ".env.production", "deploy/.env.{noun}", "docker/{noun}.env"],
    "properties": ["src/main/resources/application.properties", "config/{noun}.properties", "gradle.properties"],
    "sh": ["scripts/deploy.sh", "bin/release.sh", "ops/backup_{noun}.sh"],
    "tf": ["main.tf", "infra/{noun}.tf", "modules/{p}/variables.tf"],
}


def fill(rng, template, proj, noun):
    return template.format(n=rng.randint(2, 120), d=rng.randint(1, 9), region=rng.choice(REGIONS), p=proj,
                           P=proj.upper(), noun=noun, Noun=noun.title(), port=rng.choice((3000, 8000, 8080, 9090)))


def frame(syn, rel, proj, noun, rng):
    """(header lines, footer lines) of a file."""
    if syn == "py":
        return ['"""Settings of %s %s."""' % (proj, noun), "", "import logging", "import os", "",
                "logger = logging.getLogger(__name__)"], ["", "", "def get(name, default=None):",
                                                               "    return globals().get(name, default)"]
    if syn in ("js", "ts"):
        return ["// %s %s configuration" % (proj, noun), "'use strict';" if syn == "js" else ""], \
               ["", "module.exports = { serviceName, region };" if syn == "js" else "export default {};"]
    if syn == "go":
        pkg = rel.split("/")[-2] if "/" in rel else "main"
        return ["package %s" % pkg.replace("-", ""), "", 'import (', '\t"os"', '\t"time"', ")", ""], \
               ["", "func init() {", "\t_ = os.Getenv", "\t_ = time.Second", "}"]
    if syn == "java":
        parts = rel.split("/")
        pkg = ".".join(parts[3:-1])
        return ["package %s;" % pkg, "", "public final class %s {" % parts[-1][:-5]], \
               ["", "    private %s() {}" % parts[-1][:-5], "}"]
    if syn == "yaml":
        return ["# %s %s" % (proj, noun), "service:", "  name: %s-%s" % (proj, noun), "  replicas: %d" % rng.randint(1, 6),
                "settings:"], []
    if syn == "json":
        return ["{"], ["}"]
    if syn == "env":
        return ["# %s %s" % (proj, noun)], []
    if syn == "properties":
        return ["# %s %s" % (proj, noun)], []
    if syn == "sh":
        return ["#!/usr/bin/env bash", "# %s %s" % (proj, noun), "set -euo pipefail"], ['echo "done"']
    if syn == "tf":
        return ['provider "aws" {', '  region = "%s"' % rng.choice(REGIONS), "}", "", "locals {"], ["}"]
    raise ValueError(syn)


def queue(rng):
    """An endless, shuffled round-robin of every kind of item."""
    kinds = []
    for table in (SECRET_FORMATS, PII_FORMATS, NEGATIVE_FORMATS):
        for name in table:
            kinds.extend([name] * WEIGHTS.get(name, 1))
    while True:
        batch = kinds[:]
        rng.shuffle(batch)
        yield from batch


RENDER = {**SECRET_FORMATS, **PII_FORMATS, **NEGATIVE_FORMATS}


def build_file(rng, syn, rel, proj, noun, kinds):
    """Lays out one file; returns (text, [(value, label with line)])."""
    TAKEN.clear()
    PROJECT[0] = proj
    header, footer = frame(syn, rel, proj, noun, rng)
    body = []  # list of (lines, values or None)
    pool = FILLER[syn][:]
    rng.shuffle(pool)

    def filler(n):
        for _ in range(n):
            if pool:
                body.append(([fill(rng, pool.pop(), proj, noun)], None))

    for kind in kinds:
        filler(rng.randint(0, 2))
        item = RENDER[kind](rng, syn)
        body.append((item.lines, item.values))
    filler(rng.randint(1, 3))
    out_lines = list(header)
    labels = []
    for i, (lines, values) in enumerate(body):
        lines = list(lines)
        if syn == "json":  # every member is one line: commas between them
            last = len(lines) - 1 if i == len(body) - 1 else len(lines)
            lines = [ln + "," if j < last else ln for j, ln in enumerate(lines)]
        start = len(out_lines) + 1
        text = "\n".join(lines)
        for value, lab in values or ():
            at = text.find(value)
            assert at >= 0, (value, text)
            labels.append((value, dict(lab, line=start + text[:at].count("\n"))))
        out_lines.extend(lines)
    out_lines.extend(footer)
    return "\n".join(out_lines) + "\n", labels


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def generate(out, seed=22, count=300):
    """Writes the set to out; returns the label rows."""
    rng = random.Random(seed)
    tree = os.path.join(out, "tree")
    if os.path.isdir(tree):
        shutil.rmtree(tree)
    os.makedirs(tree)
    kinds = queue(rng)
    repos, rows, used, carry = [], [], set(), []
    for i in range(count):
        if i % 5 == 0 or not repos:
            repo = "%s-%s" % (rng.choice(PROJECT_WORDS), rng.choice(NOUNS))
            while repo in repos:
                repo += "-%d" % rng.randint(2, 9)
            repos.append(repo)
        repo = repos[-1]
        proj, noun = repo.split("-")[0], repo.split("-")[1]
        syn = EXTS[i % len(EXTS)] if rng.random() < 0.8 else rng.choice(EXTS)
        rel = fill(rng, rng.choice(PATHS[syn]), proj, noun)
        while repo + "/" + rel in used:
            stem, dot, ext = rel.rpartition(".")
            rel = "%s_%d.%s" % (stem, rng.randint(2, 99), ext) if dot and stem else rel + "_%d" % rng.randint(2, 99)
            if syn == "java":  # class name follows the file name
                rel = rel.replace("_", "")
        used.add(repo + "/" + rel)
        n = rng.randint(3, 6)
        chosen = carry[:n] + [next(kinds) for _ in range(n - len(carry[:n]))]
        carry = carry[n:]
        seed_file = rng.getrandbits(64)
        while True:
            text, labels = build_file(random.Random(seed_file), syn, rel, proj, noun, chosen)
            if len(text.encode()) <= MAX_FILE_BYTES or len(chosen) == 1:
                break
            # too big (private keys are large): the last kind goes to the next file
            carry.insert(0, chosen.pop())
        if len(text.encode()) > MAX_FILE_BYTES:
            raise SystemExit("generator bug: %s is %d bytes" % (rel, len(text.encode())))
        key = repo + "/" + rel
        path = os.path.join(tree, *key.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        for value, lab in labels:
            row = {"file": key, "line": lab["line"], "format": lab["format"], "kind": lab["kind"],
                   "sha256": sha256(value), "match": lab["match"]}
            if lab.get("alt"):
                row["alt_sha256"] = lab["alt"]
            if lab.get("negative"):
                row["negative"] = True
            rows.append((row, value))
    check(tree, rows)
    with open(os.path.join(out, "labels.jsonl"), "w", encoding="utf-8") as f:
        for row, _ in rows:
            f.write(json.dumps(row, sort_keys=True) + "\n")
    write_readme(out, seed, count, [r for r, _ in rows])
    return [r for r, _ in rows]


def check(tree, rows):
    """Re-reads every file: each value starts on its labelled line, no two
    labels share a line, JSON parses, files are small."""
    texts = {}
    seen = {}
    for row, value in rows:
        key = row["file"]
        if key not in texts:
            with open(os.path.join(tree, *key.split("/")), encoding="utf-8") as f:
                texts[key] = f.read()
            assert len(texts[key].encode()) <= MAX_FILE_BYTES, key
            if key.endswith(".json"):
                json.loads(texts[key])
        text = texts[key]
        assert sha256(value) == row["sha256"]
        starts = []
        at = text.find(value)
        while at >= 0:
            starts.append(text.count("\n", 0, at) + 1)
            at = text.find(value, at + 1)
        assert row["line"] in starts, "%s: %s expected on line %d, found on %s" % (key, row["format"], row["line"], starts)
        where = (key, row["line"])
        assert where not in seen, "%s:%d holds two labels (%s, %s)" % (key, row["line"], seen[where], row["format"])
        seen[where] = row["format"]


README = """# Synthetic secrets and personal data (corpusledger issue 22)

**Everything here is synthetic.** The credentials, e-mail addresses and IP
addresses were generated by `benches/filters/gen_secrets.py` (seed {seed},
{count} files) in the documented shapes of each vendor's format; none is or was
a real credential or a real person's address. Do not report them to the vendors.

* `tree/`: the files (give it to `corpusledger run --input`); each is a small
  source or config file with several values at known lines.
* `labels.jsonl`: one row per planted value: `file` (relative to `tree/`, the
  same as corpusledger's `key`), `line` (1-based, where the value starts),
  `format`, `kind` (`secret` or `pii`), `sha256` (of the value as it stands in
  the file), `match` (`span` or `line`: see gen_secrets.py), optional
  `alt_sha256`, and `negative: true` for values that must not be redacted.

Planted values ({positives} to find, {negatives} negatives):

| format | kind | planted | negative |
|---|---|---|---|
{table}
"""


def write_readme(out, seed, count, rows):
    counts = {}
    for r in rows:
        k = (r["format"], r["kind"], bool(r.get("negative")))
        counts[k] = counts.get(k, 0) + 1
    table = "\n".join("| %s | %s | %d | %s |" % (f, k, n, "yes" if neg else "")
                      for (f, k, neg), n in sorted(counts.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0])))
    neg = sum(1 for r in rows if r.get("negative"))
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(README.format(seed=seed, count=count, table=table, positives=len(rows) - neg, negatives=neg))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="directory to write the set to (its tree/ is replaced)")
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--count", type=int, default=300, help="number of files (default 300)")
    args = ap.parse_args()
    if args.count < 1:
        sys.exit("--count must be at least 1")
    rows = generate(args.out, args.seed, args.count)
    neg = sum(1 for r in rows if r.get("negative"))
    print("wrote %d files, %d labelled values (%d negatives) to %s; self-check passed"
          % (args.count, len(rows), neg, args.out))


if __name__ == "__main__":
    main()
