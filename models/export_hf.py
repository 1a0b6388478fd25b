#!/usr/bin/env python3
"""Re-export a local Hugging Face causal LM (Llama, Mistral, Qwen2, Qwen3, Phi-3, GPT-2 families) into Sieve's
decoder ONNX layout with the extra `attention_bias` input.

Layout: inputs input_ids [b,s] int64, attention_mask [b,past+s] int64, position_ids [b,s] int64,
past_key_values.{i}.key|value [b,kv_heads,past,head_dim] float32, attention_bias [b,1,s,past+s] float32;
outputs logits [b,s,vocab], present.{i}.key|value [b,kv_heads,past+s,head_dim].
The additive mask given to every attention layer is attention_bias + (attention_mask == 0 ? -1e9 : 0); the model
adds no causal mask of its own, so the caller supplies the causal (or tree / set) pattern in attention_bias.
Sliding-window models (Mistral, some Qwen2 configs) are exported with a full cache: the caller's attention_bias
must block keys outside the window when a prompt is longer than the window.

How: the HF model runs with eager attention; the 2D mask and the bias become the 4D float mask that HF attention
accepts as-is (transformers 4.4x and 5.x), position_ids are passed through, and the past tensors are loaded into a
DynamicCache whose updated tensors are returned as present.*. GPT-2 differs only in its config names (n_layer,
n_head, n_embd), its learned absolute positions (position_ids index them) and its lack of grouped KV heads.

Usage: python3 models/export_hf.py CHECKPOINT_DIR OUT_DIR [--opset 17]
Writes OUT_DIR/model.onnx (+ .onnx.data when the model is over 2 GB), config.json, tokenizer files if present,
and a `sieve` section in config.json.
"""
import argparse
import json
import os
import shutil

import torch
import torch.nn as nn

NEG = -1e9


def kv_dims(config):
    if config.model_type == "gpt2":
        return config.n_layer, config.n_head, config.n_embd // config.n_head
    heads = config.num_attention_heads
    kv = getattr(config, "num_key_value_heads", None) or heads
    hd = getattr(config, "head_dim", None) or config.hidden_size // heads
    return config.num_hidden_layers, kv, hd


def make_cache(past):
    from transformers import DynamicCache
    cache = DynamicCache()
    for i in range(len(past) // 2):
        cache.update(past[2 * i], past[2 * i + 1], i)
    return cache


def cache_tensors(cache, n_layers):
    out = []
    if hasattr(cache, "layers"):  # transformers 5.x
        for i in range(n_layers):
            out += [cache.layers[i].keys, cache.layers[i].values]
    elif hasattr(cache, "key_cache"):  # transformers 4.x DynamicCache
        for i in range(n_layers):
            out += [cache.key_cache[i], cache.value_cache[i]]
    else:  # legacy tuples
        for k, v in cache:
            out += [k, v]
    return out


class BiasWrapper(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.m = model
        self.L, self.kv, self.hd = kv_dims(model.config)

    def forward(self, input_ids, attention_mask, position_ids, *rest):
        past, bias = list(rest[:-1]), rest[-1]
        mask = bias + (1.0 - attention_mask.to(bias.dtype))[:, None, None, :] * NEG
        cache = make_cache(past)
        out = self.m(input_ids=input_ids, attention_mask=mask, position_ids=position_ids, past_key_values=cache,
                     use_cache=True, return_dict=True)
        return (out.logits, *cache_tensors(out.past_key_values, self.L))


def io_names(L):
    ins = ["input_ids", "attention_mask", "position_ids"]
    outs = ["logits"]
    for i in range(L):
        ins += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
        outs += [f"present.{i}.key", f"present.{i}.value"]
    return ins + ["attention_bias"], outs


def causal_bias(b, q, past):
    i = torch.arange(q)[:, None] + past
    j = torch.arange(past + q)[None, :]
    return torch.where(j <= i, 0.0, NEG).to(torch.float32)[None, None].expand(b, 1, q, past + q).contiguous()


def load_model(path):
    from transformers import AutoModelForCausalLM
    try:
        m = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, attn_implementation="eager")
    except TypeError:  # transformers 4.x
        m = AutoModelForCausalLM.from_pretrained(path, torch_dtype=torch.float32, attn_implementation="eager")
    m.config.use_cache = True
    return m.eval()


def export(model, out_path, opset=17):
    w = BiasWrapper(model).eval()
    L, kv, hd = w.L, w.kv, w.hd
    b, s, p = 2, 3, 4
    vocab = model.config.vocab_size
    ids = torch.randint(0, vocab, (b, s))
    am = torch.ones(b, p + s, dtype=torch.long)
    pos = torch.arange(p, p + s)[None].expand(b, s).contiguous()
    past = [torch.randn(b, kv, p, hd) for _ in range(2 * L)]
    bias = causal_bias(b, s, p)
    ins, outs = io_names(L)
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
           "position_ids": {0: "batch", 1: "seq"}, "attention_bias": {0: "batch", 2: "seq", 3: "total"},
           "logits": {0: "batch", 1: "seq"}}
    for n in ins[3:-1]:
        dyn[n] = {0: "batch", 2: "past"}
    for n in outs[1:]:
        dyn[n] = {0: "batch", 2: "total"}
    big = sum(p.numel() for p in model.parameters()) * 4 > 1.8e9
    with torch.no_grad():
        torch.onnx.export(w, (ids, am, pos, *past, bias), out_path, input_names=ins, output_names=outs,
                          dynamic_axes=dyn, opset_version=opset, do_constant_folding=True, dynamo=False)
    if big:
        import onnx
        m = onnx.load(out_path)
        onnx.save(m, out_path, save_as_external_data=True, all_tensors_to_one_file=True,
                  location=os.path.basename(out_path) + ".data")
    else:
        import sys
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from sieve_model import dedupe_transposed  # store tied embeddings once
        dedupe_transposed(out_path)
    return L, kv, hd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    model = load_model(args.checkpoint)
    L, kv, hd = export(model, os.path.join(args.out, "model.onnx"), args.opset)
    conf = model.config.to_dict()
    conf["sieve"] = {"attention_bias": True, "exported_from": conf.get("model_type"), "num_layers": L,
                     "num_kv_heads": kv, "head_dim": hd, "mask_value": NEG, "causal_mask_inside": False}
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(conf, f, indent=2, default=str)
    for name in ["tokenizer.json", "tokenizer_config.json", "generation_config.json", "special_tokens_map.json"]:
        src = os.path.join(args.checkpoint, name)
        if os.path.exists(src):
            shutil.copy(src, os.path.join(args.out, name))
    print(f"exported {conf.get('model_type')} to {args.out}: layers {L}, kv heads {kv}, head dim {hd}")


if __name__ == "__main__":
    main()
