#!/usr/bin/env python3
"""Text quality of a checkpoint, for comparing a continued training run with the model it started from:
held-out perplexity on the corpus text (.corpus/text_val, as train.py measures it), on the original chat
distribution (the 3000 validation samples that build_corpus.py draws with ChatGen.sample after the 120 000
training samples, regenerated here) and on the current .corpus/chat_val; and whether JSON requests start a record.
Usage: python3 models/eval_quality.py --ckpt CKPT [--corpus .corpus] [--pkgdir /tmp/sieve-corpus-debs]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402
import build_corpus  # noqa: E402
import chatgen  # noqa: E402
from sieve_model import Config, SieveLM  # noqa: E402
from train import chat_prompt, eval_ppl, generate, pack_chat, read_jsonl_gz, text_stream  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
JSON_PROMPTS = ["Write a JSON record for a book.", "Give me a JSON object describing a person.",
                "Return a movie as JSON.", "Output one car in JSON format.", "Write a JSON record for a city."]


def original_chat_val(pkgdir, seed=1234):
    root = build_corpus.fetch(pkgdir)
    wn, _ = build_corpus.clean_wordnet(root)
    gen = chatgen.ChatGen(seed=seed, wordnet_docs=wn, fortunes=build_corpus.clean_fortunes(root))
    for _ in range(120000):
        gen.sample()
    return [gen.sample() for _ in range(3000)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", nargs="+", required=True)
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", ".corpus"))
    ap.add_argument("--pkgdir", default="/tmp/sieve-corpus-debs")
    ap.add_argument("--seq", type=int, default=128)
    args = ap.parse_args()
    torch.set_num_threads(1)
    dev = torch.device("cpu")
    tok = bpe.load(os.path.join(HERE, "sieve-tiny", "tokenizer.json"))
    S = args.seq
    val_stream = text_stream(tok, read_jsonl_gz(os.path.join(args.corpus, "text_val.jsonl.gz"), 400))
    nv = min(32, (len(val_stream) - 1) // (S + 1))
    text_b = [torch.from_numpy(val_stream[i * (S + 1) * 8:(i + 1) * (S + 1) * 8].astype(np.int64)).view(8, S + 1)
              for i in range(nv // 8)]

    def chat_batches(recs):
        rows = pack_chat(tok, recs[:1500], S)
        return [torch.from_numpy(rows[i:i + 8]) for i in range(0, min(len(rows), 64) - 7, 8)]

    orig_b = chat_batches(original_chat_val(args.pkgdir))
    new_b = chat_batches(read_jsonl_gz(os.path.join(args.corpus, "chat_val.jsonl.gz"), 1500))
    for path in args.ckpt:
        ck = torch.load(path, map_location="cpu")
        model = SieveLM(Config(**ck["config"]))
        model.load_state_dict(ck["state_dict"])
        res = {"ckpt": path,
               "text_ppl": round(eval_ppl(model, text_b, dev, False)[0], 2),
               "chat_ppl_original_val": round(eval_ppl(model, orig_b, dev, False)[0], 3),
               "chat_ppl_current_val": round(eval_ppl(model, new_b, dev, False)[0], 3)}
        outs = [generate(model, tok, chat_prompt(p), dev, n=24) for p in JSON_PROMPTS]
        res["json_prompts_starting_a_record"] = f"{sum(o.startswith('[respond] {') for o in outs)}/{len(outs)}"
        res["json_outputs"] = outs
        print(json.dumps(res, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
