#!/usr/bin/env python3
"""Held-out refusal accuracy of a checkpoint: the most likely first response token (argmax over the whole
vocabulary at the first assistant position) against the labelled prompts in sieve-tiny/refusal_heldout.jsonl.
Usage: python3 models/eval_refusal.py --ckpt models/build/run/ckpt.pt [--heldout FILE]
"""
import argparse
import collections
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402
from sieve_model import Config, SieveLM  # noqa: E402
from train import refusal_accuracy  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--heldout", default=os.path.join(HERE, "sieve-tiny", "refusal_heldout.jsonl"))
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    tok = bpe.load(os.path.join(HERE, "sieve-tiny", "tokenizer.json"))
    ck = torch.load(args.ckpt, map_location="cpu")
    model = SieveLM(Config(**ck["config"]))
    model.load_state_dict(ck["state_dict"])
    acc, preds = refusal_accuracy(model, tok, args.heldout, torch.device("cpu"))
    print(json.dumps({k: round(v * 100, 1) for k, v in acc.items()}))
    recs = [json.loads(l) for l in open(args.heldout)]
    conf = collections.Counter((r["category"], p) for r, p in zip(recs, preds) if r["category"] != p)
    print("confusions (true, predicted):", dict(conf.most_common()))
    if args.show_errors:
        for r, p in zip(recs, preds):
            if r["category"] != p:
                print(f"  {r['category']:9s} -> {p:9s} {r['prompt']}")


if __name__ == "__main__":
    main()
