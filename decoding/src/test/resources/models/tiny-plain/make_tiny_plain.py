#!/usr/bin/env python3
"""Writes a tiny one-layer causal attention model in the plain export layout (no position_ids, no
attention_bias: the graph builds its own causal mask from attention_mask), for the runtime's tests of
that layout. Random weights (seeded); reference.json holds numpy logits for a padded batch.

Usage: python3 make_tiny_plain.py   (writes model.onnx and reference.json beside itself)
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
V, D = 364, 8  # the vocabulary of ../../tokenizers/sentencepiece-bytefallback.json
rng = np.random.default_rng(1234)
E = rng.normal(0, 1, (V, D)).astype(np.float32)
Wq, Wk, Wv = (rng.normal(0, 0.5, (D, D)).astype(np.float32) for _ in range(3))
Wo = rng.normal(0, 0.5, (D, V)).astype(np.float32)


def graph():
    f = TensorProto.FLOAT
    i64 = TensorProto.INT64
    inputs = [
        helper.make_tensor_value_info("input_ids", i64, ["batch", "seq"]),
        helper.make_tensor_value_info("attention_mask", i64, ["batch", "total"]),
        helper.make_tensor_value_info("past_key_values.0.key", f, ["batch", 1, "past", D]),
        helper.make_tensor_value_info("past_key_values.0.value", f, ["batch", 1, "past", D]),
    ]
    outputs = [
        helper.make_tensor_value_info("logits", f, ["batch", "seq", V]),
        helper.make_tensor_value_info("present.0.key", f, ["batch", 1, "total", D]),
        helper.make_tensor_value_info("present.0.value", f, ["batch", 1, "total", D]),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in
             [(E, "E"), (Wq, "Wq"), (Wk, "Wk"), (Wv, "Wv"), (Wo, "Wo"),
              (np.array([1], np.int64), "one_axis"), (np.array(1.0, np.float32), "onef"),
              (np.array(-1e9, np.float32), "neg"), (np.array(1 / np.sqrt(D), np.float32), "scale"),
              (np.array([1, 2], np.int64), "axes12"), (np.array([0], np.int64), "zero1"),
              (np.array([1], np.int64), "one1"), (np.array([2], np.int64), "two1"),
              (np.array([3], np.int64), "three1")]]
    n = helper.make_node
    nodes = [
        n("Gather", ["E", "input_ids"], ["x"]),                      # [b,s,D]
        n("MatMul", ["x", "Wq"], ["q3"]), n("Unsqueeze", ["q3", "one_axis"], ["q"]),
        n("MatMul", ["x", "Wk"], ["k3"]), n("Unsqueeze", ["k3", "one_axis"], ["k"]),
        n("MatMul", ["x", "Wv"], ["v3"]), n("Unsqueeze", ["v3", "one_axis"], ["v"]),
        n("Concat", ["past_key_values.0.key", "k"], ["present.0.key"], axis=2),
        n("Concat", ["past_key_values.0.value", "v"], ["present.0.value"], axis=2),
        n("Transpose", ["present.0.key"], ["kt"], perm=[0, 1, 3, 2]),
        n("MatMul", ["q", "kt"], ["raw"]), n("Mul", ["raw", "scale"], ["scores"]),  # [b,1,s,t]
        # causal: key j visible from query i when j <= i + (t - s)
        n("Shape", ["q"], ["qshape"]), n("Slice", ["qshape", "two1", "three1"], ["s1"]),
        n("Shape", ["present.0.key"], ["kshape"]), n("Slice", ["kshape", "two1", "three1"], ["t1"]),
        n("Concat", ["s1", "t1"], ["st"], axis=0),
        n("ConstantOfShape", ["st"], ["ones"], value=helper.make_tensor("v", TensorProto.FLOAT, [1], [1.0])),
        n("Sub", ["t1", "s1"], ["past1"]), n("Squeeze", ["past1", "zero1"], ["past0"]),
        n("Trilu", ["ones", "past0"], ["tri"], upper=0),
        n("Sub", ["onef", "tri"], ["notcausal"]),
        n("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        n("Unsqueeze", ["maskf", "axes12"], ["mask4"]),                # [b,1,1,t]
        n("Sub", ["onef", "mask4"], ["pad"]),
        n("Add", ["notcausal", "pad"], ["blocked"]),
        n("Mul", ["blocked", "neg"], ["bias"]),
        n("Add", ["scores", "bias"], ["biased"]),
        n("Softmax", ["biased"], ["attn"], axis=-1),
        n("MatMul", ["attn", "present.0.value"], ["ctx4"]),
        n("Squeeze", ["ctx4", "one_axis"], ["ctx"]),
        n("Add", ["x", "ctx"], ["h"]),
        n("MatMul", ["h", "Wo"], ["logits"]),
    ]
    g = helper.make_graph(nodes, "tiny-plain", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="sieve-tests")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def reference(rows):
    """Numpy logits of the last real position of each row, each row run alone."""
    out = []
    for ids in rows:
        x = E[ids]
        q, k, v = x @ Wq, x @ Wk, x @ Wv
        s = q @ k.T / np.sqrt(D)
        s = s + np.triu(np.full((len(ids), len(ids)), -1e9, np.float32), 1)
        a = np.exp(s - s.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        out.append(((x + a @ v) @ Wo)[-1].tolist())
    return out


if __name__ == "__main__":
    onnx.save(graph(), os.path.join(HERE, "model.onnx"))
    rows = [[40, 41, 42, 43, 44], [100, 7], [300, 200, 100]]
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump({"rows": rows, "last_logits": reference(rows)}, f)
