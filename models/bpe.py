"""A small pure-Python reader of sieve-tiny's tokenizer.json (byte-level BPE), for machines without the
`tokenizers` package (e.g. a CPU machine with only Debian's python3-torch).

It implements exactly what that file uses: added (special) tokens split out first, no normalizer, the
GPT-2 ByteLevel pre-tokenizer (regex split, bytes mapped to printable characters, no prefix space) and BPE
merges by rank. The scripts import it only when `tokenizers` is missing; `python3 models/bpe.py` checks it
against the token ids stored in sieve-tiny/parity.json.
Interface (the subset the scripts use): Tokenizer.from_file, encode(text).ids, encode_batch, token_to_id,
decode(ids, skip_special_tokens=...).
"""
import json
import os

import regex

# GPT-2's pre-tokenization pattern, as used by the ByteLevel pre-tokenizer with use_regex=true.
_PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def _bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class Encoding:
    __slots__ = ("ids",)

    def __init__(self, ids):
        self.ids = ids


class Tokenizer:
    def __init__(self, spec):
        model = spec["model"]
        assert model["type"] == "BPE" and spec.get("normalizer") is None
        self.vocab = model["vocab"]
        self.inv = {i: t for t, i in self.vocab.items()}
        merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in model["merges"]]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.added = {t["content"]: t["id"] for t in spec["added_tokens"]}
        self.special = {t["id"] for t in spec["added_tokens"] if t.get("special")}
        for t, i in self.added.items():
            self.inv[i] = t
        # longest first, so that no added token is split by a shorter one
        self.added_re = regex.compile("|".join(regex.escape(t) for t in sorted(self.added, key=len, reverse=True)))
        self.b2u = _bytes_to_unicode()
        self.u2b = {u: b for b, u in self.b2u.items()}
        self.cache = {}

    @classmethod
    def from_file(cls, path):
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f))

    def token_to_id(self, token):
        return self.added.get(token, self.vocab.get(token))

    def _bpe(self, word):
        ids = self.cache.get(word)
        if ids is not None:
            return ids
        parts = list(word)
        while len(parts) > 1:
            best, best_rank = -1, None
            for i in range(len(parts) - 1):
                r = self.ranks.get((parts[i], parts[i + 1]))
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = i, r
            if best < 0:
                break
            # merge every occurrence of the best pair, left to right (as the reference BPE does)
            a, b = parts[best], parts[best + 1]
            out, i = [], 0
            while i < len(parts):
                if i < len(parts) - 1 and parts[i] == a and parts[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(parts[i])
                    i += 1
            parts = out
        ids = [self.vocab[p] for p in parts]
        if len(self.cache) < 500000:
            self.cache[word] = ids
        return ids

    def _encode_plain(self, text, out):
        for piece in _PAT.findall(text):
            out.extend(self._bpe("".join(self.b2u[b] for b in piece.encode("utf-8"))))

    def encode(self, text):
        out, pos = [], 0
        for m in self.added_re.finditer(text):
            if m.start() > pos:
                self._encode_plain(text[pos:m.start()], out)
            out.append(self.added[m.group(0)])
            pos = m.end()
        if pos < len(text):
            self._encode_plain(text[pos:], out)
        return Encoding(out)

    def encode_batch(self, texts):
        return [self.encode(t) for t in texts]

    def decode(self, ids, skip_special_tokens=True):
        out, buf = [], []
        for i in ids:
            t = self.inv[i]
            if i in self.added:
                if buf:
                    out.append(bytes(buf).decode("utf-8", errors="replace"))
                    buf = []
                if not (skip_special_tokens and i in self.special):
                    out.append(t)
            else:
                buf.extend(self.u2b[c] for c in t)
        if buf:
            out.append(bytes(buf).decode("utf-8", errors="replace"))
        return "".join(out)


def load(path):
    """The `tokenizers` library's Tokenizer when installed, else this reader."""
    try:
        from tokenizers import Tokenizer as HfTokenizer
        return HfTokenizer.from_file(path)
    except ImportError:
        return Tokenizer.from_file(path)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    tok = Tokenizer.from_file(os.path.join(here, "sieve-tiny", "tokenizer.json"))
    with open(os.path.join(here, "sieve-tiny", "parity.json")) as f:
        cases = json.load(f)["cases"]
    for c in cases:
        ids = tok.encode(c["text"]).ids
        assert ids == c["input_ids"], (c["name"], ids, c["input_ids"])
        assert tok.decode(ids, skip_special_tokens=False) == c["text"]
        assert tok.encode(c["greedy_text"]).ids is not None
    print(f"bpe.py: token ids equal the stored ones for {len(cases)} parity prompts")
