#!/usr/bin/env python3
"""Train and export the sentiment reward models (RAD scalar and ARM per-token) that share sieve-tiny's tokenizer.

Labels come from prepare_sentiment.py (AFINN-165). RAD (Deng & Raffel 2023): the scalar head's sigmoid output
at every prefix position is regressed to the sentence label with a cumulative (position-weighted) squared loss.
ARM (Troshin et al. 2024): r(x, v) = sigmoid(w_b.h + b + e_v^T W h); trained on next-token positions, where the
target for the observed next token v = x_{t+1} mixes the sentence label with the RAD teacher's reward of x_{<=t+1}.

Usage: python3 models/reward/train_reward.py [--corpus .corpus] [--rad-seconds 420] [--arm-seconds 420]
"""
import argparse
import gzip
import json
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
sys.path.insert(0, MODELS)
from sieve_model import Config, OnnxWrapper, RewardLM, causal_bias, export_onnx  # noqa: E402

MAXLEN = 48
PARITY_TEXTS = ["What a wonderful, happy day with good friends.", "This is a terrible, sad and painful mistake.",
                "The committee met on Tuesday to discuss the"]


def load(corpus, tok):
    recs = []
    with gzip.open(os.path.join(corpus, "sentiment.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            recs.append(json.loads(line))
    encs = tok.encode_batch([r["text"] for r in recs])
    ids = np.zeros((len(recs), MAXLEN), np.int64)
    lens = np.zeros(len(recs), np.int64)
    for i, e in enumerate(encs):
        x = e.ids[:MAXLEN]
        ids[i, :len(x)] = x
        lens[i] = len(x)
    labels = np.array([r["label"] for r in recs], np.float32)
    keep = lens >= 3
    return torch.from_numpy(ids[keep]), torch.from_numpy(lens[keep]), torch.from_numpy(labels[keep])


def cumulative_weights(lens, S):
    t = torch.arange(1, S + 1, dtype=torch.float32)[None].expand(len(lens), S)
    valid = t <= lens[:, None]
    w = torch.where(valid, t, torch.zeros_like(t))
    return w / w.sum(1, keepdim=True), valid


def train_rad(model, data, seconds, steps_max, lr, seed, bs=64):
    ids, lens, labels = data
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    t0, step, losses = time.time(), 0, []
    while step < steps_max and time.time() - t0 < seconds:
        p = min(1.0, max(step / steps_max, (time.time() - t0) / seconds))
        for gr in opt.param_groups:
            gr["lr"] = lr * min(1.0, (step + 1) / 20) * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * p)))
        idx = torch.randint(0, len(ids), (bs,), generator=g)
        x, l, y = ids[idx], lens[idx], labels[idx]
        S = int(l.max())
        x = x[:, :S]
        r, _ = model(x)
        w, _ = cumulative_weights(l, S)
        loss = (w * (torch.sigmoid(r) - y[:, None]) ** 2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(round(loss.item(), 4))
        if step % 25 == 0:
            print(f"rad step {step} loss {loss.item():.4f} {time.time() - t0:.0f}s", flush=True)
        step += 1
    return losses


def train_arm(model, teacher, data, seconds, steps_max, lr, seed, bs=64):
    ids, lens, labels = data
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    t0, step, losses = time.time(), 0, []
    E = model.model.embed_tokens
    while step < steps_max and time.time() - t0 < seconds:
        p = min(1.0, max(step / steps_max, (time.time() - t0) / seconds))
        for gr in opt.param_groups:
            gr["lr"] = lr * min(1.0, (step + 1) / 20) * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * p)))
        idx = torch.randint(0, len(ids), (bs,), generator=g)
        x, l, y = ids[idx], lens[idx], labels[idx]
        S = int(l.max())
        x = x[:, :S]
        with torch.no_grad():
            tr, _ = teacher(x)
            tr = torch.sigmoid(tr)  # RAD reward of each prefix x_{<=t}
        h, _ = model.model(x[:, :-1])
        base = model.score(h).squeeze(-1)
        tokterm = (model.arm_W(h) * E(x[:, 1:])).sum(-1)
        r = torch.sigmoid(base + tokterm)  # r(x_{<=t}, x_{t+1}) at position t
        target = 0.5 * y[:, None] + 0.5 * tr[:, 1:]
        w, _ = cumulative_weights(l - 1, S - 1)
        loss = (w * (r - target) ** 2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(round(loss.item(), 4))
        if step % 25 == 0:
            print(f"arm step {step} loss {loss.item():.4f} {time.time() - t0:.0f}s", flush=True)
        step += 1
    return losses


@torch.no_grad()
def sentence_rewards(model, kind, ids, lens, bs=256):
    """Reward of each whole sentence: RAD at the last token; ARM as r(x_{<T}, x_T) at the position before it."""
    out = []
    for i in range(0, len(ids), bs):
        x, l = ids[i:i + bs], lens[i:i + bs]
        S = int(l.max())
        x = x[:, :S]
        if kind == "rad":
            r, _ = model(x)
            out.append(torch.sigmoid(r.gather(1, (l - 1)[:, None]))[:, 0])
        else:
            h, _ = model.model(x)
            hl = h.gather(1, (l - 2)[:, None, None].expand(-1, 1, h.shape[-1]))[:, 0]
            v = x.gather(1, (l - 1)[:, None])[:, 0]
            out.append(torch.sigmoid(model.score(hl)[:, 0] + (model.arm_W(hl) * model.model.embed_tokens(v)).sum(-1)))
    return torch.cat(out)


def export_dir(model, kind, cfg, out, tok, base_dir, report):
    os.makedirs(out, exist_ok=True)
    name = "reward" if kind == "rad" else "rewards"
    path = os.path.join(out, "model.onnx")
    export_onnx(model, path, out_name=name)
    shutil.copy(os.path.join(base_dir, "tokenizer.json"), os.path.join(out, "tokenizer.json"))
    shutil.copy(os.path.join(base_dir, "tokenizer_config.json"), os.path.join(out, "tokenizer_config.json"))
    conf = cfg.hf_dict()
    conf["architectures"] = ["SieveRewardModel"]
    conf["sieve"] = {
        "reward_kind": kind, "output": name, "attention_bias": True,
        "reward": "probability that the text so far is positive (AFINN-165 labels); sigmoid in [0, 1]",
        "semantics": ("reward[b, t] = reward of the prefix ending at position t" if kind == "rad" else
                      "rewards[b, t, j] = reward of appending token v = candidate_ids[j] after position t: "
                      "sigmoid(w_b.h_t + b + e_v^T W h_t)"),
        "base_tokenizer": "same tokenizer.json as sieve-tiny", "heldout_sign_accuracy": report["accuracy"],
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(conf, f, indent=2)
    import onnxruntime as ort
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    wrap = OnnxWrapper(model, name).eval()
    cases, worst = [], 0.0
    for text in PARITY_TEXTS:
        ids = tok.encode(text).ids
        s = len(ids)
        inp = torch.tensor([ids])
        am = torch.ones(1, s, dtype=torch.long)
        pos = torch.arange(s)[None]
        past = [torch.zeros(1, cfg.num_key_value_heads, 0, cfg.head_dim) for _ in range(2 * cfg.num_hidden_layers)]
        bias = causal_bias(1, s, 0)
        # ARM: every vocabulary token as a candidate, so the whole reward row is compared
        extra = (torch.arange(cfg.vocab_size),) if kind == "arm" else ()
        with torch.no_grad():
            tout = wrap(inp, am, pos, *past, bias, *extra)[0].numpy()
        feeds = {"input_ids": inp.numpy(), "attention_mask": am.numpy(), "position_ids": pos.numpy(),
                 "attention_bias": bias.numpy()}
        if kind == "arm":
            feeds["candidate_ids"] = extra[0].numpy()
        for i in range(cfg.num_hidden_layers):
            feeds[f"past_key_values.{i}.key"] = past[2 * i].numpy()
            feeds[f"past_key_values.{i}.value"] = past[2 * i + 1].numpy()
        oout = sess.run([name], feeds)[0]
        err = float(np.abs(tout - oout).max())
        worst = max(worst, err)
        case = {"text": text, "input_ids": ids, "max_abs_diff": err}
        if kind == "rad":
            case["torch_reward"] = [round(float(v), 6) for v in tout[0]]
            case["onnxruntime_reward"] = [round(float(v), 6) for v in oout[0]]
        else:
            last_t, last_o = tout[0, -1], oout[0, -1]
            top = np.argsort(-last_t, kind="stable")[:5]
            probe = [tok.token_to_id(t) for t in ["Ġgood", "Ġbad", "Ġhappy", "Ġsad", "Ġthe"] if tok.token_to_id(t) is not None]
            case["last_position"] = {
                "top5_ids": [int(v) for v in top], "torch_top5": [round(float(last_t[v]), 6) for v in top],
                "onnxruntime_top5": [round(float(last_o[v]), 6) for v in top],
                "probe_ids": probe, "torch_probe": [round(float(last_t[v]), 6) for v in probe],
                "onnxruntime_probe": [round(float(last_o[v]), 6) for v in probe]}
        cases.append(case)
    assert worst < 1e-4, worst
    with open(os.path.join(out, "parity.json"), "w") as f:
        json.dump({"reward_kind": kind, "output": name, "tolerance": 1e-4, "max_abs_diff": worst,
                   "attention_bias": "causal, 0 attend / -1e9 blocked; empty past", "cases": cases}, f, indent=1)
    report["parity_max_abs_diff"] = worst
    report["onnx_bytes"] = os.path.getsize(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(MODELS, "..", ".corpus"))
    ap.add_argument("--base", default=os.path.join(MODELS, "sieve-tiny"))
    ap.add_argument("--rad-out", default=os.path.join(MODELS, "sieve-sentiment-rad"))
    ap.add_argument("--arm-out", default=os.path.join(MODELS, "sieve-sentiment-arm"))
    ap.add_argument("--rad-seconds", type=float, default=420)
    ap.add_argument("--arm-seconds", type=float, default=420)
    ap.add_argument("--max-steps", type=int, default=3000)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1234)
    # reward-model size (the bundled ARM is smaller than the base model so that guidance stays cheap)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--inter", type=int, default=344)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    tok = Tokenizer.from_file(os.path.join(args.base, "tokenizer.json"))
    ids, lens, labels = load(args.corpus, tok)
    n_val = len(ids) // 10
    val = (ids[:n_val], lens[:n_val], labels[:n_val])
    tr = (ids[n_val:], lens[n_val:], labels[n_val:])
    print(f"train {len(tr[0])} held-out {n_val}", flush=True)
    cfg = Config(hidden_size=args.hidden, num_hidden_layers=args.layers, num_attention_heads=args.heads,
                 num_key_value_heads=args.kv_heads, intermediate_size=args.inter)
    log = {"train_sentences": len(tr[0]), "heldout_sentences": n_val}
    rad = RewardLM(cfg, "rad")
    t0 = time.time()
    log["rad_loss"] = train_rad(rad, tr, args.rad_seconds, args.max_steps, args.lr, args.seed)
    log["rad_train_s"] = round(time.time() - t0, 1)
    rad.eval()
    pr = sentence_rewards(rad, "rad", *val[:2])
    acc_rad = float(((pr > 0.5).float() == val[2]).float().mean())
    print("RAD held-out sign accuracy", acc_rad, flush=True)
    arm = RewardLM(cfg, "arm")
    arm.model.load_state_dict(rad.model.state_dict())  # start from the RAD trunk
    arm.score.load_state_dict(rad.score.state_dict())
    t0 = time.time()
    log["arm_loss"] = train_arm(arm, rad, tr, args.arm_seconds, args.max_steps, args.lr / 2, args.seed + 1)
    log["arm_train_s"] = round(time.time() - t0, 1)
    arm.eval()
    pa = sentence_rewards(arm, "arm", *val[:2])
    acc_arm = float(((pa > 0.5).float() == val[2]).float().mean())
    print("ARM held-out sign accuracy", acc_arm, flush=True)
    log["params"] = sum(p.numel() for p in arm.parameters())
    rep_rad = {"accuracy": round(acc_rad, 4), "steps": len(log["rad_loss"])}
    rep_arm = {"accuracy": round(acc_arm, 4), "steps": len(log["arm_loss"])}
    export_dir(rad, "rad", cfg, args.rad_out, tok, args.base, rep_rad)
    export_dir(arm, "arm", cfg, args.arm_out, tok, args.base, rep_arm)
    log["rad"], log["arm"] = rep_rad, rep_arm
    log["rad_loss_summary"] = [float(np.mean(log["rad_loss"][i:i + 25])) for i in range(0, len(log["rad_loss"]), 100)]
    log["arm_loss_summary"] = [float(np.mean(log["arm_loss"][i:i + 25])) for i in range(0, len(log["arm_loss"]), 100)]
    os.makedirs(os.path.join(MODELS, "build"), exist_ok=True)
    with open(os.path.join(MODELS, "build", f"reward_log_h{args.hidden}_l{args.layers}.json"), "w") as f:
        json.dump(log, f, indent=1)
    print(json.dumps({k: v for k, v in log.items() if not k.endswith("_loss")}, indent=1))


if __name__ == "__main__":
    main()
