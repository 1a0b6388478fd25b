#!/usr/bin/env python3
"""Verify export_hf.py for each supported family on a small, randomly initialised config built by transformers:
ONNX Runtime logits must match transformers' own forward (default causal mask, its own KV cache) within 1e-4,
(a) for a full sequence with empty past, (b) prefill + one-token decode with past, and (c) with left padding.

Usage: python3 models/verify_export_hf.py [--work /tmp/sieve-export-hf] | tee models/export_hf_verification.txt
"""
import argparse
import os
import platform
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_hf  # noqa: E402

TOL = 1e-4


def configs():
    import transformers as T
    small = dict(vocab_size=512, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                 num_attention_heads=4, max_position_embeddings=256)
    return {
        "llama": T.LlamaConfig(**small, num_key_value_heads=2),
        "mistral": T.MistralConfig(**small, num_key_value_heads=2, sliding_window=None),
        "qwen2": T.Qwen2Config(**small, num_key_value_heads=2),
        "qwen3": T.Qwen3Config(**small, num_key_value_heads=2, head_dim=16),
        "phi3": T.Phi3Config(**small, num_key_value_heads=2, pad_token_id=0),
        "gpt2": T.GPT2Config(vocab_size=512, n_embd=64, n_layer=2, n_head=4, n_positions=256),
    }


def run_ort(sess, L, kv, hd, ids, past, past_len, mask=None, pos=None):
    b, s = ids.shape
    feeds = {"input_ids": ids.astype(np.int64),
             "attention_mask": np.ones((b, past_len + s), np.int64) if mask is None else mask,
             "position_ids": np.tile(np.arange(past_len, past_len + s), (b, 1)).astype(np.int64) if pos is None else pos,
             "attention_bias": export_hf.causal_bias(b, s, past_len).numpy()}
    for i in range(L):
        feeds[f"past_key_values.{i}.key"] = past[2 * i]
        feeds[f"past_key_values.{i}.value"] = past[2 * i + 1]
    out = sess.run(None, feeds)
    return out[0], out[1:]


def verify(name, cfg, work):
    import onnxruntime as ort
    from transformers import AutoModelForCausalLM
    torch.manual_seed(0)
    try:
        model = AutoModelForCausalLM.from_config(cfg, attn_implementation="eager")
    except TypeError:
        model = AutoModelForCausalLM.from_config(cfg)
    ck = os.path.join(work, name)
    model.save_pretrained(ck)
    m = export_hf.load_model(ck)
    out = os.path.join(work, name + "-onnx")
    os.makedirs(out, exist_ok=True)
    L, kv, hd = export_hf.export(m, os.path.join(out, "model.onnx"))
    sess = ort.InferenceSession(os.path.join(out, "model.onnx"), providers=["CPUExecutionProvider"])
    empty = [np.zeros((2, kv, 0, hd), np.float32) for _ in range(2 * L)]
    ids = torch.randint(0, cfg.vocab_size, (2, 10))
    with torch.no_grad():
        ref = m(input_ids=ids).logits.numpy()
    # (a) full sequence, empty past
    lo, _ = run_ort(sess, L, kv, hd, ids.numpy(), empty, 0)
    e_full = float(np.abs(lo - ref).max())
    # (b) prefill 7 then decode 1, 1, 1 with past; reference: transformers with its own cache
    lo1, pres = run_ort(sess, L, kv, hd, ids[:, :7].numpy(), empty, 0)
    errs = [float(np.abs(lo1 - ref[:, :7]).max())]
    with torch.no_grad():
        r = m(input_ids=ids[:, :7], use_cache=True)
        hf_past = r.past_key_values
        for t in range(7, 10):
            lo_t, pres = run_ort(sess, L, kv, hd, ids[:, t:t + 1].numpy(), pres, t)
            r = m(input_ids=ids[:, t:t + 1], past_key_values=hf_past, use_cache=True)
            hf_past = r.past_key_values
            errs.append(float(np.abs(lo_t - r.logits.numpy()).max()))
            errs.append(float(np.abs(lo_t - ref[:, t:t + 1]).max()))
    e_past = max(errs)
    # (c) left padding: row 0 padded by 3; compare the real tokens with transformers on the unpadded row
    pad = 3
    mask = np.ones((2, 10), np.int64)
    mask[0, :pad] = 0
    pos = np.tile(np.arange(10), (2, 1))
    pos[0] = np.maximum(0, np.arange(10) - pad)
    lp, _ = run_ort(sess, L, kv, hd, ids.numpy(), empty, 0, mask=mask, pos=pos)
    with torch.no_grad():
        r0 = m(input_ids=ids[:1, pad:]).logits.numpy()
    e_pad = float(np.abs(lp[0, pad:] - r0[0]).max())
    ok = max(e_full, e_past, e_pad) < TOL
    return ok, e_full, e_past, e_pad, (L, kv, hd)


def main():
    import onnxruntime
    import transformers
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="sieve-export-hf-")
    print(f"transformers {transformers.__version__}, torch {torch.__version__}, onnxruntime {onnxruntime.__version__}, "
          f"python {platform.python_version()}; onnxruntime CPU execution provider; tolerance {TOL}")
    print(f"{'family':8} {'layers,kv,hd':14} {'full (no past)':>15} {'with past':>12} {'left pad':>12}  result")
    all_ok = True
    for name, cfg in configs().items():
        try:
            ok, a, b, c, dims = verify(name, cfg, work)
            print(f"{name:8} {str(dims):14} {a:15.2e} {b:12.2e} {c:12.2e}  {'PASS' if ok else 'FAIL'}", flush=True)
        except Exception as ex:  # report and continue with the next family
            ok = False
            print(f"{name:8} ERROR {type(ex).__name__}: {str(ex)[:300]}", flush=True)
        all_ok &= ok
    print("ALL PASS" if all_ok else "SOME FAILED")
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
