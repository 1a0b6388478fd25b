#!/usr/bin/env python3
"""Cost of one verification forward of the bundled model by draft-tree size, on any onnxruntime provider.

Feeds `nodes` tokens after a cached prefix of `past` positions with a tree-shaped attention_bias (a chain here:
the cost does not depend on the shape) and times the forward, median of many runs, per provider. Used to
compare what a tree costs relative to a plain one-token step on a CPU and on a GPU (bench/RESULTS.md).
With --torch-cuda it also times the same forward in PyTorch on a CUDA device (the model's own module, its
weights recovered from model.onnx), for a machine whose onnxruntime has no CUDA provider.
Usage: python3 models/tree_cost.py [--model models/sieve-tiny] [--past 96] [--providers CPU,CUDA] [--threads 2]
       [--torch-cuda]
"""
import argparse
import json
import os
import time

import numpy as np
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(HERE, "sieve-tiny"))
    ap.add_argument("--past", type=int, default=96)
    ap.add_argument("--sizes", default="1,2,4,8,16,32,80")
    ap.add_argument("--providers", default="CPU")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--torch-cuda", action="store_true")
    args = ap.parse_args()
    cfg = json.load(open(os.path.join(args.model, "config.json")))
    layers, kv, hd = cfg["num_hidden_layers"], cfg["num_key_value_heads"], cfg["head_dim"]
    rng = np.random.default_rng(0)
    out = {}
    for prov in args.providers.split(","):
        so = ort.SessionOptions()
        so.intra_op_num_threads = args.threads
        sess = ort.InferenceSession(os.path.join(args.model, "model.onnx"), so, providers=[prov + "ExecutionProvider"])
        if sess.get_providers()[0] != prov + "ExecutionProvider":
            print(f"{prov}: not available ({sess.get_providers()})")
            continue
        res = {}
        for n in [int(x) for x in args.sizes.split(",")]:
            p = args.past
            feed = {"input_ids": rng.integers(10, 8000, size=(1, n), dtype=np.int64),
                    "attention_mask": np.ones((1, p + n), dtype=np.int64),
                    "position_ids": (p + np.arange(n, dtype=np.int64))[None, :]}
            bias = np.zeros((1, 1, n, p + n), dtype=np.float32)
            bias[0, 0, :, p:] = np.triu(np.full((n, n), -1e9, dtype=np.float32), 1)
            feed["attention_bias"] = bias
            for i in range(layers):
                for kind in ("key", "value"):
                    feed[f"past_key_values.{i}.{kind}"] = rng.standard_normal((1, kv, p, hd), dtype=np.float32)
            for _ in range(20):
                sess.run(None, feed)
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                sess.run(None, feed)
                times.append(time.perf_counter() - t0)
            res[n] = round(float(np.median(times)) * 1e6, 1)
        base = res.get(1)
        print(f"{prov} (threads {args.threads}): median us per forward by tree size " + ", ".join(
            f"{n}: {t} ({t / base:.2f}x)" for n, t in res.items()))
        out[prov] = res
    if args.torch_cuda:
        out["torch-cuda"] = torch_cuda(args, cfg)
    print(json.dumps(out))


def torch_cuda(args, cfg):
    import torch
    import sys
    sys.path.insert(0, HERE)
    from onnx_to_ckpt import state_dict_from_onnx
    from sieve_model import Config, SieveLM, build_mask
    dev = torch.device("cuda")
    model = SieveLM(Config(**{k: cfg[k] for k in Config.__dataclass_fields__}))
    model.load_state_dict(state_dict_from_onnx(os.path.join(args.model, "model.onnx")))
    model = model.to(dev).eval()
    layers, kv, hd, p = cfg["num_hidden_layers"], cfg["num_key_value_heads"], cfg["head_dim"], args.past
    res = {}
    with torch.no_grad():
        for n in [int(x) for x in args.sizes.split(",")]:
            ids = torch.randint(10, 8000, (1, n), device=dev)
            pos = (p + torch.arange(n, device=dev))[None, :]
            bias = torch.zeros((1, 1, n, p + n), device=dev)
            bias[0, 0, :, p:] = torch.triu(torch.full((n, n), -1e9, device=dev), 1)
            mask = build_mask(torch.ones((1, p + n), dtype=torch.int64, device=dev), bias)
            past = [(torch.randn(1, kv, p, hd, device=dev), torch.randn(1, kv, p, hd, device=dev)) for _ in range(layers)]
            for _ in range(20):
                model(ids, pos, mask, past)
            torch.cuda.synchronize()
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                logits, _ = model(ids, pos, mask, past)
                logits.cpu()  # the caller reads every node's logits
                times.append(time.perf_counter() - t0)
            res[n] = round(float(np.median(times)) * 1e6, 1)
    base = res[1]
    print(f"torch CUDA ({torch.cuda.get_device_name()}): median us per forward by tree size " + ", ".join(
        f"{n}: {t} ({t / base:.2f}x)" for n, t in res.items()))
    return res


if __name__ == "__main__":
    main()
