"""Reference pre-tokenisation of texts with Unicode spaces, for GPT2_SPLIT_PATTERN in
src/tokenizer/bpe_tokenizer.ts.

GPT-2's encoder.py splits text with `regex` (not `re`) and the pattern below; `\\s` there is the
Unicode White_Space property. This script writes, for every code point, whether that `\\s` matches
it (as ranges), and for texts that put U+0085, U+FEFF, U+00A0, U+2028, U+3000, U+1680, U+180E,
U+200B and friends between words, the pieces `regex.findall` cuts them into and, when the
`tokenizers` package is installed, the pieces of Hugging Face's ByteLevel pre-tokenizer
(use_regex=True, add_prefix_space=False), decoded from byte-level characters back to text.
No randomness (seed: none).
Run: python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install regex tokenizers &&
     /tmp/refvenv/bin/python test/reference/gen_gpt2_whitespace.py
"""
import json
import os
import sys

import regex

try:
    import tokenizers
    from tokenizers import pre_tokenizers
except ImportError:  # the regex reference alone is enough for the test
    tokenizers = None

# GPT-2 encoder.py, Encoder.__init__ (openai/gpt-2, src/encoder.py).
PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tokenizer", "gpt2_whitespace.json")

CHARS = [
    0x0085, 0xFEFF, 0x00A0, 0x2028, 0x2029, 0x3000, 0x1680, 0x180E, 0x200B, 0x200C, 0x200D,
    0x2060, 0x202F, 0x205F, 0x2000, 0x2007, 0x200A, 0x001C, 0x001F, 0x000B, 0x000C, 0x0009,
]
TEMPLATES = ["a {c}b", "a{c}b", "x {c}{c} y", "{c}", "hello{c}", "1{c} 2", "it{c}'s ok{c}\n"]


def bytes_to_unicode():
    """GPT-2's byte -> printable character table (encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def white_space_ranges():
    ranges, start = [], None
    for cp in range(0x110000 + 1):
        hit = cp < 0x110000 and regex.match(r"\s", chr(cp)) is not None
        if hit and start is None:
            start = cp
        if not hit and start is not None:
            ranges.append([start, cp - 1])
            start = None
    return ranges


texts = [t.format(c=chr(cp)) for cp in CHARS for t in TEMPLATES]
regex_pieces = [regex.findall(PATTERN, t) for t in texts]
out = {
    "script": "test/reference/gen_gpt2_whitespace.py",
    "versions": {"python": sys.version.split()[0], "regex": regex.__version__},
    "seed": None,
    "pattern": PATTERN,
    "white_space_ranges": white_space_ranges(),
    "texts": texts,
    "regex_pieces": regex_pieces,
}
if tokenizers is not None:
    to_byte = {c: b for b, c in bytes_to_unicode().items()}
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    out["versions"]["tokenizers"] = tokenizers.__version__
    out["hf_pieces"] = [
        [bytes(to_byte[c] for c in piece).decode("utf-8") for piece, _ in byte_level.pre_tokenize_str(t)] for t in texts
    ]
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=True, indent=1)
    f.write("\n")
differ = [t for t, a, b in zip(texts, regex_pieces, out.get("hf_pieces", regex_pieces)) if a != b]
print(f"wrote {len(texts)} texts; tokenizers differs from regex on {len(differ)}: {[hex(ord(c)) for t in differ for c in t if ord(c) > 126 or ord(c) < 32][:10]}")
