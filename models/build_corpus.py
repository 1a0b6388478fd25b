#!/usr/bin/env python3
"""Build the training corpus for sieve-tiny (runs on a CPU machine with apt).

Steps:
  1. download Debian packages that ship English text (apt-get download + dpkg -x into a temp dir);
  2. clean their markup into plain prose documents;
  3. generate seeded synthetic chat samples (structured output, Q&A, refusal-token dialogues);
  4. write everything, gzip-compressed, to .corpus/ (git-ignored) and the labelled held-out
     refusal prompts to models/sieve-tiny/refusal_heldout.jsonl.

Usage:  python3 models/build_corpus.py [--out .corpus] [--seed 1234]
"""
import argparse
import glob
import gzip
import json
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chatgen  # noqa: E402

PACKAGES = ["dict-gcide", "dict-jargon", "dict-foldoc", "dict-devil", "fortunes", "fortunes-min",
            "wordnet-base", "debian-reference-en"]


def fetch(pkgdir):
    root = os.path.join(pkgdir, "root")
    if os.path.isdir(root):
        return root
    os.makedirs(pkgdir, exist_ok=True)
    subprocess.run(["apt-get", "download"] + PACKAGES, cwd=pkgdir, check=True)
    for deb in sorted(glob.glob(os.path.join(pkgdir, "*.deb"))):
        subprocess.run(["dpkg", "-x", deb, root], check=True)
    return root


def squash(s):
    return re.sub(r"\s+", " ", s).strip()


def dictd_entries(path):
    """Split a dictd .dict.dz body into (headword, body) entries: a headword line starts at column 0."""
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        text = f.read()
    entries, head, body = [], None, []
    for line in text.split("\n"):
        if line and not line[0].isspace():
            if head is not None:
                entries.append((head, "\n".join(body)))
            head, body = line.strip(), []
        else:
            body.append(line)
    if head is not None:
        entries.append((head, "\n".join(body)))
    return entries


def clean_gcide(root):
    docs = []
    for head, body in dictd_entries(os.path.join(root, "usr/share/dictd/gcide.dict.dz")):
        if head.startswith("00-database"):
            continue
        full = head + "\n" + body
        full = re.sub(r"\[1913 Webster\]|\[WordNet 1\.5\]|\[PJC\]|\[Webster 1913 Suppl\.\]", "", full)
        m = re.match(r"([^\\]+?)\s*\\[^\\]*\\,?\s*(.*)", squash(full))
        if not m:
            continue
        word, rest = m.group(1).strip(), m.group(2)
        rest = re.sub(r"\\[^\\]*\\", "", rest)                  # further pronunciations
        rest = re.sub(r"\[(?:L|F|OF|Gr|AS|Sp|It|G|D|Icel|LL|NL|Prov|Skr|Heb|Ar|Pers|Fr|Lat)\.[^\]]*\]", "", rest)
        rest = re.sub(r"\[[^\]]{0,200}\]", "", rest)             # remaining etymology brackets
        rest = re.sub(r"--[A-Z][\w.' ]{0,40}\.", "", rest)      # citation authors
        rest = rest.replace("`", "").replace('"', "").replace("*", "")
        rest = squash(rest)
        if len(rest) < 20:
            continue
        docs.append(f"{word}: {rest}")
    # group ~20 consecutive entries into one document
    return ["\n".join(docs[i:i + 20]) for i in range(0, len(docs), 20)]


def clean_dict_prose(root, name):
    docs = []
    for head, body in dictd_entries(os.path.join(root, f"usr/share/dictd/{name}.dict.dz")):
        if head.startswith("00-database") or head.startswith("00database"):
            continue
        body = re.sub(r"\{([^{}]*)\}", r"\1", body)
        body = re.sub(r"\[\s*Jargon File\s*\]|\(\d{4}-\d{2}-\d{2}\)", "", body)
        paras = [squash(p) for p in re.split(r"\n\s*\n", body)]
        paras = [p for p in paras if len(p) > 2]
        if not paras or sum(len(p) for p in paras) < 30:
            continue
        docs.append(head.strip() + "\n" + "\n".join(paras))
    return docs


def clean_wordnet(root):
    docs, examples = [], []
    for pos, label in [("noun", "noun"), ("verb", "verb"), ("adj", "adjective"), ("adv", "adverb")]:
        with open(os.path.join(root, f"usr/share/wordnet/data.{pos}"), encoding="utf-8", errors="replace") as f:
            lines = [l for l in f if not l.startswith("  ")]
        block = []
        for l in lines:
            if "|" not in l:
                continue
            fields, gloss = l.split("|", 1)
            parts = fields.split()
            n = int(parts[3], 16)
            words = [parts[4 + 2 * i].replace("_", " ") for i in range(n)]
            words = [re.sub(r"\(\w+\)$", "", w) for w in words]
            gloss = gloss.strip()
            quoted = re.findall(r'"([^"]+)"', gloss)
            definition = re.sub(r';?\s*"[^"]*"', "", gloss).strip(" ;")
            examples.extend(q for q in quoted if len(q.split()) >= 4)
            s = f"{words[0]} ({label}): {definition}."
            if len(words) > 1:
                s += " Also called " + ", ".join(words[1:4]) + "."
            if quoted:
                s += " For example: " + "; ".join(q.strip() for q in quoted[:2]) + "."
            block.append(s)
            if len(block) == 25:
                docs.append("\n".join(block))
                block = []
        if block:
            docs.append("\n".join(block))
    return docs, examples


def clean_fortunes(root):
    docs = []
    for path in sorted(glob.glob(os.path.join(root, "usr/share/games/fortunes/*"))):
        if "." in os.path.basename(path) or os.path.islink(path) or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            parts = f.read().split("\n%\n")
        for p in parts:
            p = p.strip("%\n ")
            if 20 < len(p) < 2000:
                docs.append(re.sub(r"[ \t]+", " ", p))
    return docs


def clean_debref(root):
    with gzip.open(os.path.join(root, "usr/share/debian-reference/debian-reference.en.txt.gz"), "rt",
                   encoding="utf-8", errors="replace") as f:
        text = f.read()
    paras = [p.strip() for p in re.split(r"\n\s*\n", text)]
    docs, cur = [], []
    for p in paras:
        if re.match(r"^[\d.]+\s", p) and len(p) < 100:
            continue  # table of contents / section numbers
        cur.append(re.sub(r"[ \t]+", " ", p))
        if sum(len(c) for c in cur) > 1500:
            docs.append("\n".join(cur))
            cur = []
    if cur:
        docs.append("\n".join(cur))
    return docs


def write_jsonl_gz(path, records):
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", ".corpus"))
    ap.add_argument("--pkgdir", default="/tmp/sieve-corpus-debs")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--chat-samples", type=int, default=120000)
    ap.add_argument("--diverse", action="store_true",
                    help="second-round chat samples: the original templates plus the training-only templates, "
                         "composed prompts and paraphrases of chatgen.ChatGen.sample_diverse")
    ap.add_argument("--dev-templates", type=int, default=0,
                    help="take N training templates per category (2N for ill-posed) out of training as a development "
                         "split and write its labelled prompts to OUT/refusal_dev.jsonl (train.py --dev picks the "
                         "training snapshot on it); needs --diverse")
    ap.add_argument("--templates", default="",
                    help="fourth round: add the independently written training templates of this JSON file "
                         "(models/refusal_templates.json) to the --diverse mixture (chatgen.ChatGen.sample_written)")
    ap.add_argument("--selection", default="",
                    help="labelled prompts written independently of every template (models/sieve-tiny/"
                         "refusal_selection.jsonl): the ones that match no template of chatgen (any split, as a "
                         "pattern) and equal no training prompt go to OUT/refusal_selection.jsonl, for train.py --dev")
    ap.add_argument("--write-heldout", action="store_true",
                    help="(re)write sieve-tiny/refusal_heldout.jsonl; without it the committed file is kept and only "
                         "checked against the training prompts")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    root = fetch(args.pkgdir)

    sources = {}
    sources["gcide"] = clean_gcide(root)
    sources["jargon"] = clean_dict_prose(root, "jargon")
    sources["foldoc"] = clean_dict_prose(root, "foldoc")
    sources["devil"] = clean_dict_prose(root, "devil")
    sources["wordnet"], wn_examples = clean_wordnet(root)
    sources["fortunes"] = clean_fortunes(root)
    sources["debian-reference"] = clean_debref(root)
    stats = {}
    docs = []
    for name, ds in sources.items():
        stats[name] = {"docs": len(ds), "bytes": sum(len(d.encode()) for d in ds)}
        docs.extend({"src": name, "text": d} for d in ds)
    rng.shuffle(docs)
    n_val = max(200, len(docs) // 200)
    write_jsonl_gz(os.path.join(args.out, "text_val.jsonl.gz"), docs[:n_val])
    write_jsonl_gz(os.path.join(args.out, "text_train.jsonl.gz"), docs[n_val:])
    # plain English sentences (wordnet usage examples + fortunes) for the sentiment reward models
    sents = sorted(set(wn_examples))
    for d in sources["fortunes"]:
        for s in re.split(r"(?<=[.!?])\s+", squash(d)):
            if 4 <= len(s.split()) <= 40 and not s.startswith("--"):
                sents.append(s)
    rng.shuffle(sents)
    write_jsonl_gz(os.path.join(args.out, "sentences.jsonl.gz"), ({"text": s} for s in sents))

    # synthetic chat samples, incl. refusal-token dialogues with held-out templates
    gen = chatgen.ChatGen(seed=args.seed, wordnet_docs=sources["wordnet"], fortunes=sources["fortunes"],
                          dev_templates=args.dev_templates, extra_templates=args.templates or None)
    draw = gen.sample_written if args.templates else gen.sample_diverse if args.diverse else gen.sample
    train = [draw() for _ in range(args.chat_samples)]
    val = [draw() for _ in range(3000)]
    write_jsonl_gz(os.path.join(args.out, "chat_train.jsonl.gz"), train)
    write_jsonl_gz(os.path.join(args.out, "chat_val.jsonl.gz"), val)
    heldout_path = os.path.join(here, "sieve-tiny", "refusal_heldout.jsonl")
    if args.write_heldout or not os.path.exists(heldout_path):
        heldout = gen.heldout_prompts(per_category=60)
        with open(heldout_path, "w") as f:
            for r in heldout:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    else:
        with open(heldout_path) as f:
            heldout = [json.loads(l) for l in f]
    # the held-out set must stay unseen: no training prompt equals a held-out prompt
    held = {r["prompt"].strip().lower() for r in heldout}
    leaked = sorted({r["prompt"] for r in train + val if r["prompt"].strip().lower() in held})
    if leaked:
        sys.exit(f"{len(leaked)} training prompts equal held-out prompts, e.g. {leaked[:3]}")
    if args.dev_templates:
        dev = [r for r in gen.dev_prompts(per_category=60) if r["prompt"].strip().lower() not in held]
        seen = {r["prompt"].strip().lower() for r in train}
        dev = [r for r in dev if r["prompt"].strip().lower() not in seen]
        with open(os.path.join(args.out, "refusal_dev.jsonl"), "w") as f:
            for r in dev:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        stats["dev_templates"] = {c: len(v) for c, v in gen.dev.items()}
        stats["dev_prompts"] = len(dev)
    if args.selection:
        with open(args.selection) as f:
            sel = [json.loads(l) for l in f]
        seen = {r["prompt"].strip().lower() for r in train + val}
        pats = [chatgen._template_regex(t) for t in chatgen.HORIZON + chatgen.PRIVATE + chatgen.ABILITY + chatgen.ILLPOSED]
        keep = [r for r in sel if r["prompt"].strip().lower() not in seen and r["prompt"].strip().lower() not in held
                and not any(p.search(r["prompt"]) for p in pats)]
        with open(os.path.join(args.out, "refusal_selection.jsonl"), "w") as f:
            for r in keep:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        stats["selection_prompts"] = {"given": len(sel), "kept": len(keep)}
    cats = {}
    for r in train:
        cats[r["category"]] = cats.get(r["category"], 0) + 1
    stats["chat_train_categories"] = cats
    stats["sentences"] = len(sents)
    stats["text_total_bytes"] = sum(v["bytes"] for k, v in stats.items() if isinstance(v, dict) and "bytes" in v)
    stats["templates"] = gen.template_stats()
    if args.templates:
        stats["written_templates"] = {c: {"kept": len(gen.written[c]), "dropped_as_heldout_like": len(gen.written_dropped[c])}
                                      for c in gen.written}
    with open(os.path.join(args.out, "stats.json"), "w") as f:
        json.dump(stats, f, indent=1)
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
