#!/usr/bin/env python3
"""Export a trained sieve-tiny checkpoint to the Sieve decoder ONNX layout and write its model files.

Writes into --out: config.json, generation_config.json, model.onnx (fp32, one file) and parity.json,
after checking that
  * transformers.LlamaForCausalLM loaded with the same weights gives the same logits (causal bias), and
  * onnxruntime (CPU) prefill + 1-token decodes with past equal the full-sequence logits,
each within 1e-4.
Usage: python3 models/export.py --ckpt models/build/run/ckpt.pt --out models/sieve-tiny
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sieve_model import NEG, Config, SieveLM, build_mask, causal_bias, export_onnx  # noqa: E402
import bpe  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOL = 1e-4
SPECIAL = {"eos": "<|endoftext|>", "end": "<|end|>"}
PARITY_PROMPTS = [
    ("chat_json", "chat", "Write a JSON record for a book."),
    ("chat_refusal", "chat", "Who will win the World Cup in 2042?"),
    ("text_definition", "text", "Abdication: the act of"),
    ("text_fortune", "text", "A wise man once said that"),
    ("text_sql", "text", "SELECT name, email FROM customers WHERE"),
]


def write_configs(cfg: Config, out, tok):
    ids = {t: tok.token_to_id(t) for t in ["<|endoftext|>", "<|end|>", "[respond]", "[refuse:horizon]",
                                            "[refuse:private]", "[refuse:ability]", "[refuse:illposed]"]}
    conf = cfg.hf_dict(bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|endoftext|>"],
                       pad_token_id=ids["<|endoftext|>"], transformers_version="4.46.0")
    conf["sieve"] = {
        "refusal_tokens": {"horizon": "[refuse:horizon]", "private": "[refuse:private]",
                           "ability": "[refuse:ability]", "illposed": "[refuse:illposed]"},
        "respond_token": "[respond]",
        "attention_bias": True,
        "end_of_turn_token": "<|end|>",
        "onnx": {"file": "model.onnx", "dtype": "float32", "opset": 17, "num_layers": cfg.num_hidden_layers,
                 "num_kv_heads": cfg.num_key_value_heads, "head_dim": cfg.head_dim,
                 "mask_value": NEG, "causal_mask_inside": False},
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(conf, f, indent=2)
    gen = {"bos_token_id": ids["<|endoftext|>"], "eos_token_id": [ids["<|end|>"], ids["<|endoftext|>"]],
           "pad_token_id": ids["<|endoftext|>"], "max_new_tokens": 128, "do_sample": True, "temperature": 0.7,
           "top_k": 40, "top_p": 0.95, "repetition_penalty": 1.0, "transformers_version": "4.46.0"}
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump(gen, f, indent=2)


def hf_check(model, cfg, out):
    """Same weights in transformers' LlamaForCausalLM: logits equal within TOL."""
    import transformers
    from transformers import LlamaConfig, LlamaForCausalLM
    with open(os.path.join(out, "config.json")) as f:
        d = json.load(f)
    d.pop("sieve")
    hf = LlamaForCausalLM(LlamaConfig(**d)).eval()
    missing, unexpected = hf.load_state_dict(model.state_dict(), strict=False)
    missing = [m for m in missing if "rotary" not in m]
    assert not missing and not unexpected, (missing, unexpected)
    torch.manual_seed(0)
    ids = torch.randint(0, cfg.vocab_size, (2, 37))
    with torch.no_grad():
        ref = hf(input_ids=ids, attention_mask=torch.ones_like(ids)).logits
        ours, _ = model(ids, None, causal_bias(2, 37, 0))
    err = (ref - ours).abs().max().item()
    print(f"transformers {transformers.__version__} LlamaForCausalLM vs ours: max abs diff {err:.2e}")
    assert err < TOL, err
    return err, transformers.__version__


def _onnxruntime():
    """The onnxruntime Python package, or where it is missing, onnxruntime through its Java API (ort_java.py)."""
    try:
        import onnxruntime
        return onnxruntime
    except ImportError:
        import ort_java
        return ort_java


class OrtLM:
    def __init__(self, path, cfg):
        ort = _onnxruntime()
        so = ort.SessionOptions()
        so.intra_op_num_threads = 2
        self.s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        self.cfg = cfg

    def empty_past(self, b):
        c = self.cfg
        return [np.zeros((b, c.num_key_value_heads, 0, c.head_dim), np.float32) for _ in range(2 * c.num_hidden_layers)]

    def run(self, ids, past, past_len, bias=None, mask=None):
        b, s = ids.shape
        feeds = {"input_ids": ids.astype(np.int64),
                 "attention_mask": np.ones((b, past_len + s), np.int64) if mask is None else mask,
                 "position_ids": np.tile(np.arange(past_len, past_len + s, dtype=np.int64), (b, 1)),
                 "attention_bias": causal_bias(b, s, past_len).numpy() if bias is None else bias}
        for i in range(self.cfg.num_hidden_layers):
            feeds[f"past_key_values.{i}.key"] = past[2 * i]
            feeds[f"past_key_values.{i}.value"] = past[2 * i + 1]
        outs = self.s.run(None, feeds)
        return outs[0], outs[1:]


def ort_checks(model, cfg, onnx_path):
    o = OrtLM(onnx_path, cfg)
    torch.manual_seed(1)
    ids = torch.randint(0, cfg.vocab_size, (2, 12))
    with torch.no_grad():
        full, _ = model(ids, None, causal_bias(2, 12, 0))
    full = full.numpy()
    # full sequence with empty past
    lo, _ = o.run(ids.numpy(), o.empty_past(2), 0)
    e_full = float(np.abs(lo - full).max())
    # prefill 11 then decode 1 with past
    lo1, pres = o.run(ids[:, :11].numpy(), o.empty_past(2), 0)
    lo2, _ = o.run(ids[:, 11:].numpy(), pres, 11)
    e_dec = max(float(np.abs(lo1 - full[:, :11]).max()), float(np.abs(lo2 - full[:, 11:]).max()))
    # left padding through attention_mask: row 0 padded by 3 tokens must equal the unpadded run
    pad = 3
    mask = np.ones((2, 12), np.int64)
    mask[0, :pad] = 0
    pos = np.tile(np.arange(12), (2, 1))
    pos[0] = np.maximum(0, np.arange(12) - pad)
    feeds_ids = ids.numpy().copy()
    with torch.no_grad():
        ref0, _ = model(ids[:1, pad:], None, causal_bias(1, 12 - pad, 0))
    c = o.cfg
    f = {"input_ids": feeds_ids, "attention_mask": mask, "position_ids": pos,
         "attention_bias": causal_bias(2, 12, 0).numpy()}
    for i in range(c.num_hidden_layers):
        f[f"past_key_values.{i}.key"] = o.empty_past(2)[0]
        f[f"past_key_values.{i}.value"] = o.empty_past(2)[0]
    lp = o.s.run(["logits"], f)[0]
    e_pad = float(np.abs(lp[0, pad:] - ref0.numpy()[0]).max())
    print(f"ORT vs torch: full {e_full:.2e}, prefill+decode {e_dec:.2e}, left-pad {e_pad:.2e}")
    assert max(e_full, e_dec, e_pad) < TOL
    return o, {"full_seq": e_full, "prefill_then_decode": e_dec, "left_padding": e_pad}


def parity(model, cfg, o, tok, steps=16):
    cases = []
    worst = 0.0
    for name, kind, p in PARITY_PROMPTS:
        text = f"<|user|>\n{p}<|end|>\n<|assistant|>\n" if kind == "chat" else p
        ids = tok.encode(text).ids
        # PyTorch: full recompute each step
        t_steps, t_gen = [], []
        cur = list(ids)
        for _ in range(steps):
            with torch.no_grad():
                lo, _ = model(torch.tensor([cur]), None, causal_bias(1, len(cur), 0))
            last = lo[0, -1]
            v, i = last.topk(5)
            t_steps.append({"top5_ids": i.tolist(), "top5_logits": [round(float(x), 6) for x in v]})
            nxt = int(i[0])
            t_gen.append(nxt)
            cur.append(nxt)
        # onnxruntime: prefill with empty past, then 1-token decodes with the KV cache
        o_steps, o_gen = [], []
        lo, past = o.run(np.array([ids]), o.empty_past(1), 0)
        plen = len(ids)
        for _ in range(steps):
            last = lo[0, -1]
            i = np.argsort(-last, kind="stable")[:5]
            o_steps.append({"top5_ids": [int(x) for x in i], "top5_logits": [round(float(last[x]), 6) for x in i]})
            nxt = int(i[0])
            o_gen.append(nxt)
            lo, past = o.run(np.array([[nxt]]), past, plen)
            plen += 1
        err = max(abs(a - b) for ts, os_ in zip(t_steps, o_steps) for a, b in zip(ts["top5_logits"], os_["top5_logits"]))
        assert t_gen == o_gen, (name, t_gen, o_gen)
        worst = max(worst, err)
        cases.append({"name": name, "kind": kind, "prompt": p, "text": text, "input_ids": ids,
                      "torch": {"steps": t_steps, "greedy_ids": t_gen},
                      "onnxruntime": {"steps": o_steps, "greedy_ids": o_gen},
                      "greedy_text": tok.decode(t_gen, skip_special_tokens=False),
                      "max_abs_diff_top5_logits": err})
    print(f"parity: max abs diff of top-5 logits torch vs ORT {worst:.2e}")
    assert worst < TOL
    return cases, worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(HERE, "build", "run", "ckpt.pt"))
    ap.add_argument("--out", default=os.path.join(HERE, "sieve-tiny"))
    ap.add_argument("--skip-hf", action="store_true")
    args = ap.parse_args()
    torch.manual_seed(0)
    tok = bpe.load(os.path.join(args.out, "tokenizer.json"))
    ck = torch.load(args.ckpt, map_location="cpu")
    cfg = Config(**ck["config"])
    model = SieveLM(cfg)
    model.load_state_dict(ck["state_dict"])
    model.eval()
    write_configs(cfg, args.out, tok)
    report = {"params": sum(p.numel() for p in model.parameters())}
    if not args.skip_hf:
        report["hf_max_abs_diff"], report["transformers_version"] = hf_check(model, cfg, args.out)
    onnx_path = os.path.join(args.out, "model.onnx")
    export_onnx(model, onnx_path)
    report["onnx_bytes"] = os.path.getsize(onnx_path)
    o, report["ort_checks"] = ort_checks(model, cfg, onnx_path)
    cases, worst = parity(model, cfg, o, tok)
    onnxruntime = _onnxruntime()
    fixture = {"model": "sieve-tiny", "tolerance": TOL, "greedy_steps": 16,
               "attention_bias": "causal: 0 where key <= query, -1e9 elsewhere; attention_mask all ones",
               "onnxruntime_procedure": "prefill the prompt with empty past (past length 0), then feed one token "
                                        "at a time with the returned present.* as past",
               "torch_procedure": "full recompute of the growing sequence at every step",
               "onnxruntime_version": onnxruntime.__version__, "torch_version": torch.__version__,
               "max_abs_diff": worst, "cases": cases}
    with open(os.path.join(args.out, "parity.json"), "w") as f:
        json.dump(fixture, f, indent=1)
    report["parity_max_abs_diff"] = worst
    print(json.dumps(report, indent=1))
    with open(os.path.join(os.path.dirname(args.ckpt), "export_report.json"), "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
