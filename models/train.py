#!/usr/bin/env python3
"""Train sieve-tiny: language modelling on the package corpus mixed with synthetic chat samples.

Seeded. Uses CUDA with bf16 autocast when available, otherwise fp32 on the CPU.
Usage: python3 models/train.py --corpus .corpus --out models/build/run [--steps N] [--batch B] [--seq S]
Writes OUT/ckpt.pt (weights + config) and OUT/train_log.json (loss curve, perplexities, refusal accuracy).
"""
import argparse
import gzip
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sieve_model import Config, SieveLM  # noqa: E402
import bpe  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EOT = 0
FIRST_IDS = (5, 9)  # [respond] .. [refuse:illposed]: the first token of every assistant response
CATS = {"[respond]": "respond", "[refuse:horizon]": "horizon", "[refuse:private]": "private",
        "[refuse:ability]": "ability", "[refuse:illposed]": "illposed"}


def chat_prompt(msg):
    return f"<|user|>\n{msg}<|end|>\n<|assistant|>\n"


def chat_text(rec):
    return chat_prompt(rec["prompt"]) + rec["response"] + "<|end|>\n"


def read_jsonl_gz(path, limit=None):
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            out.append(json.loads(line))
            if limit and len(out) >= limit:
                break
    return out


def text_stream(tok, docs):
    ids = []
    for enc in tok.encode_batch([d["text"] for d in docs]):
        ids.extend(enc.ids)
        ids.append(EOT)
    return np.array(ids, dtype=np.int32)


def pack_chat(tok, recs, seq):
    """Greedy packing of whole chat samples into rows of seq+1 tokens, each row starting at a sample start."""
    rows, cur = [], []
    for enc in tok.encode_batch([chat_text(r) for r in recs]):
        ids = enc.ids[: seq] + [EOT]
        if len(cur) + len(ids) > seq + 1:
            rows.append(cur + [-1] * (seq + 1 - len(cur)))
            cur = []
        cur = cur + ids
    if cur:
        rows.append(cur + [-1] * (seq + 1 - len(cur)))
    return np.array(rows, dtype=np.int64)


@torch.no_grad()
def eval_ppl(model, batches, dev, amp):
    model.eval()
    tot, n = 0.0, 0
    for x in batches:
        x = x.to(dev)
        inp, tgt = x[:, :-1].clamp(min=0), x[:, 1:]
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=amp):
            logits, _ = model(inp)
        loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=-1,
                               reduction="sum")
        tot += loss.item()
        n += (tgt >= 0).sum().item()
    model.train()
    return math.exp(tot / max(n, 1)), tot / max(n, 1)


@torch.no_grad()
def refusal_accuracy(model, tok, path, dev):
    """Accuracy of the most likely first response token on labelled prompts, per category and overall."""
    model.eval()
    recs = [json.loads(l) for l in open(path)]
    cat_of_id = {tok.token_to_id(k): v for k, v in CATS.items()}
    res = {}
    preds = []
    for r in recs:
        ids = torch.tensor([tok.encode(chat_prompt(r["prompt"])).ids], device=dev)
        logits, _ = model(ids)
        top = int(logits[0, -1].float().argmax())
        pred = cat_of_id.get(top, "other:" + str(top))
        preds.append(pred)
        c = res.setdefault(r["category"], [0, 0])
        c[0] += pred == r["category"]
        c[1] += 1
    model.train()
    acc = {k: v[0] / v[1] for k, v in res.items()}
    acc["overall"] = sum(v[0] for v in res.values()) / sum(v[1] for v in res.values())
    return acc, preds


@torch.no_grad()
def generate(model, tok, prompt, dev, n=60, temperature=0.0, seed=0):
    model.eval()
    g = torch.Generator(device="cpu").manual_seed(seed)
    ids = tok.encode(prompt).ids
    stop = {tok.token_to_id("<|end|>"), EOT}
    out = []
    for _ in range(n):
        logits, _ = model(torch.tensor([ids + out], device=dev))
        l = logits[0, -1].float().cpu()
        if temperature > 0:
            nxt = int(torch.multinomial(torch.softmax(l / temperature, -1), 1, generator=g))
        else:
            nxt = int(l.argmax())
        if nxt in stop:
            break
        out.append(nxt)
    model.train()
    return tok.decode(out, skip_special_tokens=False)


SAMPLE_PROMPTS = [
    ("text", "The meaning of the word"),
    ("chat", "Write a JSON record for a book."),
    ("chat", "What is the capital of France?"),
    ("chat", "Who will win the World Cup in 2042?"),
    ("chat", "Summarise the following"),
    ("chat", "Write a SQL query that selects name from customers where city = 'Paris'."),
    ("text", "A wise man once said"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", ".corpus"))
    ap.add_argument("--tokenizer", default=os.path.join(HERE, "sieve-tiny", "tokenizer.json"))
    ap.add_argument("--out", default=os.path.join(HERE, "build", "run"))
    ap.add_argument("--steps", type=int, default=700)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--chat-rows", type=int, default=9)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--text-docs", type=int, default=30000)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--time-budget", type=float, default=0,
                    help="seconds; if > 0 the cosine schedule follows elapsed/budget and training stops at the budget "
                         "(or at --steps, whichever comes first)")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--inter", type=int, default=688)
    ap.add_argument("--init", default="", help="start from this checkpoint (same config) instead of random init")
    ap.add_argument("--chat-samples", type=int, default=0, help="use only the first N chat samples (0: all)")
    ap.add_argument("--first-token-weight", type=float, default=1.0,
                    help="loss weight of the first response token ([respond] or a refusal token) relative to the "
                         "other tokens (the weighted mean keeps the loss scale)")
    ap.add_argument("--loss-sample", type=float, default=1.0,
                    help="compute the output layer and loss on this fraction of the ordinary target positions only "
                         "(first response tokens always): less compute per step on a CPU")
    ap.add_argument("--freeze-embeddings", action="store_true", help="keep the tied embedding/output matrix fixed")
    ap.add_argument("--structured-keep", type=float, default=1.0,
                    help="keep this fraction of the structured-output chat samples (template 'structured')")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--eval-every-s", type=float, default=0,
                    help="also evaluate every this many seconds of training (perplexities and, for the log only, the "
                         "held-out refusal accuracy); 0: only every --eval-every steps")
    ap.add_argument("--dev", default="",
                    help="labelled development or selection prompts (build_corpus.py --dev-templates or --selection): at every evaluation the "
                         "snapshot with the best first-token accuracy on them is kept, and that snapshot is the result")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if args.threads:
        torch.set_num_threads(args.threads)
    amp = dev.type == "cuda"
    tok = bpe.load(args.tokenizer)
    t0 = time.time()
    text = read_jsonl_gz(os.path.join(args.corpus, "text_train.jsonl.gz"), args.text_docs)
    stream = text_stream(tok, text)
    chat = read_jsonl_gz(os.path.join(args.corpus, "chat_train.jsonl.gz"), args.chat_samples or None)
    if args.structured_keep < 1.0:
        keep_rng = random.Random(args.seed + 1)
        chat = [c for c in chat if c.get("template") != "structured" or keep_rng.random() < args.structured_keep]
    chat_rows = pack_chat(tok, chat, args.seq)
    val_stream = text_stream(tok, read_jsonl_gz(os.path.join(args.corpus, "text_val.jsonl.gz"), 400))
    val_chat = pack_chat(tok, read_jsonl_gz(os.path.join(args.corpus, "chat_val.jsonl.gz"), 1500), args.seq)
    print(f"data: text tokens {len(stream)}, chat rows {len(chat_rows)}, prep {time.time() - t0:.1f}s", flush=True)
    S = args.seq
    nv = min(32, (len(val_stream) - 1) // (S + 1))
    val_text_b = [torch.from_numpy(val_stream[i * (S + 1) * 8:(i + 1) * (S + 1) * 8].astype(np.int64)).view(8, S + 1)
                  for i in range(nv // 8)]
    val_chat_b = [torch.from_numpy(val_chat[i:i + 8]) for i in range(0, min(len(val_chat), 64) - 7, 8)]

    cfg = Config(hidden_size=args.hidden, num_hidden_layers=args.layers, num_attention_heads=args.heads,
                 num_key_value_heads=args.kv_heads, intermediate_size=args.inter)
    model = SieveLM(cfg).to(dev)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu")["state_dict"])
    nparams = sum(p.numel() for p in model.parameters())
    print(f"params {nparams}", flush=True)
    if args.freeze_embeddings:
        model.model.embed_tokens.weight.requires_grad_(False)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and p.requires_grad]
    nodecay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": nodecay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), eps=1e-8)

    def lr_at(step):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        p = (step - args.warmup) / max(1, args.steps - args.warmup)
        if args.time_budget > 0:
            p = max(p, (time.time() - t_train) / args.time_budget)
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))

    rng = np.random.default_rng(args.seed)
    loss_gen = torch.Generator().manual_seed(args.seed)
    n_text = args.batch - args.chat_rows
    log = {"args": vars(args), "config": cfg.__dict__, "steps": args.steps, "batch": args.batch, "seq": S, "params": nparams, "device": str(dev),
           "loss": [], "evals": []}
    t_train = time.time()
    t_eval = t_train
    log["steps_done"] = 0
    best = (-1.0, 0, None)  # (dev accuracy, step, state) of the kept snapshot when --dev is given
    for step in range(args.steps):
        if args.time_budget > 0 and time.time() - t_train > args.time_budget:
            break
        starts = rng.integers(0, len(stream) - S - 2, size=n_text)
        xt = np.stack([stream[s:s + S + 1] for s in starts]).astype(np.int64)
        xc = chat_rows[rng.integers(0, len(chat_rows), size=args.chat_rows)]
        x = torch.from_numpy(np.concatenate([xt, xc])).to(dev)
        inp, tgt = x[:, :-1].clamp(min=0), x[:, 1:]
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        if args.loss_sample < 1.0:
            # output layer on a sample of positions: every first response token, a random share of the others
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=amp):
                h, _ = model.model(inp)
            t = tgt.reshape(-1)
            first = (t >= FIRST_IDS[0]) & (t <= FIRST_IDS[1])
            pick = first | ((t >= 0) & (torch.rand(t.shape, generator=loss_gen) < args.loss_sample))
            idx = pick.nonzero().squeeze(1)
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=amp):
                lo = model.lm_head(h.reshape(-1, h.shape[-1])[idx])
            ce = F.cross_entropy(lo.float(), t[idx], reduction="none")
            w = torch.where(first[idx], args.first_token_weight * args.loss_sample, 1.0)
            loss = (ce * w).sum() / w.sum()
        else:
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=amp):
                logits, _ = model(inp)
            if args.first_token_weight == 1.0:
                loss = F.cross_entropy(logits.float().reshape(-1, cfg.vocab_size), tgt.reshape(-1), ignore_index=-1)
            else:
                ce = F.cross_entropy(logits.float().reshape(-1, cfg.vocab_size), tgt.reshape(-1), ignore_index=-1,
                                     reduction="none")
                t = tgt.reshape(-1)
                w = torch.where((t >= FIRST_IDS[0]) & (t <= FIRST_IDS[1]), args.first_token_weight, 1.0) * (t >= 0)
                loss = (ce * w).sum() / w.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        log["loss"].append(round(loss.item(), 4))
        log.setdefault("lr", []).append(lr_at(step))
        log["steps_done"] = step + 1
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.4f} lr {lr_at(step):.2e} {time.time() - t_train:.0f}s", flush=True)
        if (step + 1) % args.eval_every == 0 or (args.eval_every_s > 0 and time.time() - t_eval > args.eval_every_s):
            t_eval = time.time()
            ppl_t, _ = eval_ppl(model, val_text_b, dev, amp)
            ppl_c, _ = eval_ppl(model, val_chat_b, dev, amp)
            e = {"step": step + 1, "val_text_ppl": round(ppl_t, 3), "val_chat_ppl": round(ppl_c, 3),
                 "time_s": round(time.time() - t_train, 1)}
            if args.dev:
                dacc, _ = refusal_accuracy(model, tok, args.dev, dev)
                e["dev_accuracy"] = {k: round(v, 3) for k, v in dacc.items()}
                if dacc["overall"] >= best[0]:
                    best = (dacc["overall"], step + 1, {k: v.detach().clone() for k, v in model.state_dict().items()})
            if args.eval_every_s > 0:
                acc, _ = refusal_accuracy(model, tok, os.path.join(HERE, "sieve-tiny", "refusal_heldout.jsonl"), dev)
                e["refusal_accuracy"] = {k: round(v, 3) for k, v in acc.items()}
            log["evals"].append(e)
            print("eval", e, flush=True)
    log["train_time_s"] = round(time.time() - t_train, 1)
    if args.dev:
        dacc, _ = refusal_accuracy(model, tok, args.dev, dev)
        if dacc["overall"] >= best[0]:
            best = (dacc["overall"], log["steps_done"], None)
        else:
            model.load_state_dict(best[2])
        log["selected"] = {"step": best[1], "dev_accuracy": round(best[0], 4)}
        print("selected snapshot", log["selected"], flush=True)
    ppl_t, _ = eval_ppl(model, val_text_b, dev, amp)
    ppl_c, _ = eval_ppl(model, val_chat_b, dev, amp)
    log["final"] = {"step": log.get("selected", {}).get("step", log["steps_done"]), "val_text_ppl": round(ppl_t, 3), "val_chat_ppl": round(ppl_c, 3)}
    print("final eval", log["final"], flush=True)
    acc, preds = refusal_accuracy(model, tok, os.path.join(HERE, "sieve-tiny", "refusal_heldout.jsonl"), dev)
    log["refusal_accuracy"] = acc
    print("refusal accuracy", acc, flush=True)
    samples = []
    for kind, p in SAMPLE_PROMPTS:
        full = chat_prompt(p) if kind == "chat" else p
        samples.append({"prompt": p, "kind": kind, "greedy": generate(model, tok, full, dev),
                        "sampled_t0.8": generate(model, tok, full, dev, temperature=0.8, seed=1)})
    log["samples"] = samples
    for s in samples:
        print(json.dumps(s, ensure_ascii=False), flush=True)
    model = model.float().cpu()
    torch.save({"config": cfg.__dict__, "state_dict": model.state_dict()}, os.path.join(args.out, "ckpt.pt"))
    with open(os.path.join(args.out, "train_log.json"), "w") as f:
        json.dump(log, f, indent=1, ensure_ascii=False)
    with open(os.path.join(args.out, "refusal_preds.json"), "w") as f:
        json.dump(preds, f)


if __name__ == "__main__":
    main()
