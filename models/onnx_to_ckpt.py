#!/usr/bin/env python3
"""Recover a PyTorch checkpoint (the one train.py writes) from an exported sieve-tiny model.onnx, so that training
can continue from the committed model when the original checkpoint is gone.

The exporter stores named initializers for the embedding and norms, and anonymous `onnx::MatMul_*` initializers
(the transposed Linear weights) for the projections; each is matched to its module through the name of the
MatMul node that reads it (e.g. /net/model/layers.0/self_attn/q_proj/MatMul). The result is checked against the
PyTorch logits stored in parity.json.
Usage: python3 models/onnx_to_ckpt.py --model models/sieve-tiny --out models/build/base/ckpt.pt
"""
import argparse
import json
import os
import re
import sys

import torch
from onnx import load, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sieve_model import Config, SieveLM, causal_bias  # noqa: E402
import bpe  # noqa: E402


def state_dict_from_onnx(path):
    m = load(path)
    inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}
    sd = {}
    for name, t in inits.items():
        if name.startswith("net."):
            sd[name[len("net."):]] = t
    for node in m.graph.node:
        if node.op_type != "MatMul":
            continue
        w = next((x for x in node.input if x in inits and not x.startswith("net.")), None)
        if w is None:
            continue
        mm = re.match(r"/net/(model/layers\.\d+/(?:self_attn|mlp)/\w+_proj)/MatMul", node.name)
        if not mm:
            raise SystemExit(f"{path}: unexpected MatMul node {node.name!r} reading {w}")
        key = mm.group(1).replace("/", ".") + ".weight"
        sd[key] = inits[w].t().contiguous()  # MatMul stores [in, out]; nn.Linear wants [out, in]
    sd["lm_head.weight"] = sd["model.embed_tokens.weight"]
    return sd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "sieve-tiny"))
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    with open(os.path.join(args.model, "config.json")) as f:
        conf = json.load(f)
    cfg = Config(**{k: conf[k] for k in Config.__dataclass_fields__})
    model = SieveLM(cfg)
    model.load_state_dict(state_dict_from_onnx(os.path.join(args.model, "model.onnx")))
    model.eval()
    # check against the PyTorch logits stored in the parity fixtures
    with open(os.path.join(args.model, "parity.json")) as f:
        cases = json.load(f)["cases"]
    worst = 0.0
    for c in cases:
        ids = c["input_ids"]
        with torch.no_grad():
            lo, _ = model(torch.tensor([ids]), None, causal_bias(1, len(ids), 0))
        step0 = c["torch"]["steps"][0]
        got = lo[0, -1, step0["top5_ids"]].tolist()
        worst = max(worst, max(abs(a - b) for a, b in zip(got, step0["top5_logits"])))
    print(f"recovered {sum(p.numel() for p in model.parameters())} parameters; "
          f"max abs diff to parity.json's torch logits: {worst:.2e}")
    assert worst < 1e-4, worst
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"config": cfg.__dict__, "state_dict": model.state_dict()}, args.out)


if __name__ == "__main__":
    main()
