"""Plain-PyTorch Llama-family decoder (RMSNorm, RoPE, GQA, SwiGLU) with the weight names of
transformers.LlamaForCausalLM, plus the decoder ONNX layout used by Sieve (attention_bias input).

Also holds the small reward-model heads (RAD scalar head, ARM per-token head) built on the same trunk.
"""
import inspect
import json
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = -1e9  # additive "blocked" value used for attention_mask == 0


@dataclass
class Config:
    vocab_size: int = 8192
    hidden_size: int = 256
    num_hidden_layers: int = 6
    num_attention_heads: int = 8
    num_key_value_heads: int = 2
    intermediate_size: int = 688
    max_position_embeddings: int = 1024
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-5
    tie_word_embeddings: bool = True

    @property
    def head_dim(self):
        return self.hidden_size // self.num_attention_heads

    def hf_dict(self, **extra):
        d = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", **asdict(self),
             "head_dim": self.head_dim, "hidden_act": "silu", "attention_bias": False, "attention_dropout": 0.0,
             "mlp_bias": False, "initializer_range": 0.02, "pretraining_tp": 1, "rope_scaling": None,
             "torch_dtype": "float32", "use_cache": True}
        d.update(extra)
        return d


class RMSNorm(nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        dt = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dt)


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class Attention(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        hd = c.head_dim
        self.q_proj = nn.Linear(c.hidden_size, c.num_attention_heads * hd, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * hd, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * hd, bias=False)
        self.o_proj = nn.Linear(c.num_attention_heads * hd, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        c = self.c
        b, s, _ = x.shape
        hd = c.head_dim
        q = self.q_proj(x).view(b, s, c.num_attention_heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(b, s, c.num_key_value_heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(b, s, c.num_key_value_heads, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        present = (k, v)
        rep = c.num_attention_heads // c.num_key_value_heads
        kk = k[:, :, None].expand(b, c.num_key_value_heads, rep, k.shape[2], hd).reshape(b, c.num_attention_heads, k.shape[2], hd)
        vv = v[:, :, None].expand(b, c.num_key_value_heads, rep, v.shape[2], hd).reshape(b, c.num_attention_heads, v.shape[2], hd)
        if mask is None and hasattr(F, "scaled_dot_product_attention"):  # training path: causal, fused kernel
            o = F.scaled_dot_product_attention(q, kk, vv, is_causal=True)
        elif mask is None:  # the same without the fused kernel (PyTorch < 2.0, e.g. Debian 12's python3-torch)
            causal = torch.ones(s, kk.shape[2], dtype=torch.bool, device=q.device).tril(kk.shape[2] - s)
            att = torch.matmul(q, kk.transpose(2, 3)) * (1.0 / math.sqrt(hd))
            att = torch.softmax(att.float().masked_fill(~causal, float("-inf")), dim=-1).to(q.dtype)
            o = torch.matmul(att, vv)
        else:
            att = torch.matmul(q, kk.transpose(2, 3)) * (1.0 / math.sqrt(hd)) + mask
            att = torch.softmax(att.float(), dim=-1).to(q.dtype)
            o = torch.matmul(att, vv)
        o = o.transpose(1, 2).reshape(b, s, c.num_attention_heads * hd)
        return self.o_proj(o), present


class MLP(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.self_attn = Attention(c)
        self.mlp = MLP(c)
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)

    def forward(self, x, cos, sin, mask, pk=None, pv=None):
        h, present = self.self_attn(self.input_layernorm(x), cos, sin, mask, pk, pv)
        x = x + h
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, present


class Trunk(nn.Module):
    """`model.*` of LlamaForCausalLM."""

    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList([Layer(c) for _ in range(c.num_hidden_layers)])
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        inv = 1.0 / (c.rope_theta ** (torch.arange(0, c.head_dim, 2, dtype=torch.float32) / c.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)

    def rope(self, position_ids, dtype):
        f = position_ids.float()[:, :, None] * self.inv_freq[None, None, :]
        emb = torch.cat([f, f], dim=-1)
        return emb.cos()[:, None].to(dtype), emb.sin()[:, None].to(dtype)

    def forward(self, input_ids, position_ids=None, mask=None, past=None):
        x = self.embed_tokens(input_ids)
        if position_ids is None:
            position_ids = torch.arange(input_ids.shape[1], device=input_ids.device)[None].expand(input_ids.shape[0], -1)
        cos, sin = self.rope(position_ids, x.dtype)
        presents = []
        for i, layer in enumerate(self.layers):
            pk, pv = (past[i] if past is not None else (None, None))
            x, pr = layer(x, cos, sin, mask, pk, pv)
            presents.append(pr)
        return self.norm(x), presents


def build_mask(attention_mask, attention_bias):
    """additive mask [b,1,q,k] = attention_bias + (attention_mask == 0 ? NEG : 0)"""
    pad = (1.0 - attention_mask.to(attention_bias.dtype))[:, None, None, :] * NEG
    return attention_bias + pad


def causal_bias(b, q, past, device=None):
    k = past + q
    i = torch.arange(q, device=device)[:, None] + past
    j = torch.arange(k, device=device)[None, :]
    return torch.where(j <= i, 0.0, NEG).to(torch.float32)[None, None].expand(b, 1, q, k).contiguous()


class SieveLM(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.model = Trunk(c)
        self.lm_head = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        if c.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, input_ids, position_ids=None, mask=None, past=None):
        h, presents = self.model(input_ids, position_ids, mask, past)
        return self.lm_head(h), presents


class RewardLM(nn.Module):
    """Trunk + reward heads. RAD: r = sigmoid(w.h + b). ARM: r(x, v) = sigmoid(w_b.h + c + e_v^T W h), for every
    vocabulary token v, or only for the tokens in `candidate_ids` [c] when given (output [b, s, c]): guidance
    scores only the base model's top-k, so the graph need not multiply by the whole embedding matrix."""

    def __init__(self, c: Config, kind: str):
        super().__init__()
        self.c = c
        self.kind = kind
        self.model = Trunk(c)
        self.score = nn.Linear(c.hidden_size, 1)  # RAD head, and w_b of ARM
        if kind == "arm":
            self.arm_W = nn.Linear(c.hidden_size, c.hidden_size, bias=False)
            nn.init.zeros_(self.arm_W.weight)
        SieveLM._init(self.model.embed_tokens)

    def forward(self, input_ids, position_ids=None, mask=None, past=None, candidate_ids=None):
        h, presents = self.model(input_ids, position_ids, mask, past)
        base = self.score(h)  # [b,s,1]
        if self.kind == "rad":
            return base.squeeze(-1), presents
        emb = self.model.embed_tokens.weight if candidate_ids is None else self.model.embed_tokens(candidate_ids)
        logits = base + torch.matmul(self.arm_W(h), emb.t())  # [b,s,V] or [b,s,c]
        return logits, presents


class OnnxWrapper(nn.Module):
    """Flat-argument forward in the exact decoder layout."""

    def __init__(self, net, out_kind="logits"):
        super().__init__()
        self.net = net
        self.out_kind = out_kind
        self.L = net.c.num_hidden_layers

    def forward(self, input_ids, attention_mask, position_ids, *rest):
        candidates = None
        if self.out_kind == "rewards":  # ARM: the candidate ids come last
            rest, candidates = rest[:-1], rest[-1]
        past_flat, attention_bias = rest[:-1], rest[-1]
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.L)]
        mask = build_mask(attention_mask, attention_bias)
        if candidates is None:
            out, presents = self.net(input_ids, position_ids, mask, past)
        else:
            out, presents = self.net(input_ids, position_ids, mask, past, candidates)
        if self.out_kind in ("reward", "rewards"):
            out = torch.sigmoid(out)
        flat = [t for kv in presents for t in kv]
        return (out, *flat)


def io_names(L, out_name="logits"):
    ins = ["input_ids", "attention_mask", "position_ids"]
    for i in range(L):
        ins += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
    ins.append("attention_bias")
    if out_name == "rewards":
        ins.append("candidate_ids")  # ARM: rewards[b, t, j] = reward of appending candidate_ids[j] after t
    outs = [out_name]
    for i in range(L):
        outs += [f"present.{i}.key", f"present.{i}.value"]
    return ins, outs


def export_onnx(net, path, out_name="logits", opset=17):
    """Export with the legacy (TorchScript) exporter and dynamic batch/seq/past axes; single file, fp32."""
    c = net.c
    net = net.eval().float()
    w = OnnxWrapper(net, out_name)
    b, s, p = 2, 3, 4
    ids = torch.randint(0, c.vocab_size, (b, s))
    am = torch.ones(b, p + s, dtype=torch.long)
    pos = torch.arange(p, p + s)[None].expand(b, s).contiguous()
    past = []
    for _ in range(c.num_hidden_layers):
        past += [torch.randn(b, c.num_key_value_heads, p, c.head_dim), torch.randn(b, c.num_key_value_heads, p, c.head_dim)]
    bias = causal_bias(b, s, p)
    extra_in = (torch.tensor([5, 0, 17, 3], dtype=torch.long),) if out_name == "rewards" else ()
    ins, outs = io_names(c.num_hidden_layers, out_name)
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
           "position_ids": {0: "batch", 1: "seq"}, "attention_bias": {0: "batch", 2: "seq", 3: "total"}}
    for n in ins:
        if n.startswith("past_key_values."):
            dyn[n] = {0: "batch", 2: "past"}
    dyn[out_name] = {0: "batch", 1: "seq"}
    if out_name == "rewards":
        dyn["candidate_ids"] = {0: "candidates"}
        dyn[out_name][2] = "candidates"
    for n in outs[1:]:
        dyn[n] = {0: "batch", 2: "total"}
    with torch.no_grad():
        # the TorchScript exporter; `dynamo` exists (and must be turned off) only from PyTorch 2.x on
        extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
        torch.onnx.export(w, (ids, am, pos, *past, bias, *extra_in), path, input_names=ins, output_names=outs,
                          dynamic_axes=dyn, opset_version=opset, do_constant_folding=True, **extra)
    dedupe_transposed(path)
    return path


def dedupe_transposed(path):
    """The exporter folds tied weights used as x @ E^T into a second, transposed copy of E. Replace such copies
    by a Transpose node of the original, so that the file stores each tied matrix once."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper
    m = onnx.load(path)
    g = m.graph
    big = {i.name: numpy_helper.to_array(i) for i in g.initializer if len(i.dims) == 2 and i.dims[0] * i.dims[1] >= 65536}
    gathered = {n.input[0] for n in g.node if n.op_type == "Gather"}  # embeddings keep their own matrix
    fixed = {}
    for a, va in big.items():
        if a in gathered:
            continue
        for b, vb in big.items():
            if b in gathered and va.shape == vb.shape[::-1] and np.array_equal(va, vb.T):
                fixed[a] = b  # a is a transposed copy of the embedding b
                break
    if not fixed:
        onnx.checker.check_model(m)
        return
    keep = [i for i in g.initializer if i.name not in fixed]
    del g.initializer[:]
    g.initializer.extend(keep)
    new_nodes = [helper.make_node("Transpose", [b], [a], perm=[1, 0], name=f"tied_transpose_{k}")
                 for k, (a, b) in enumerate(fixed.items())]
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(new_nodes + nodes)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def load_config(path):
    with open(path) as f:
        d = json.load(f)
    keys = Config.__dataclass_fields__.keys()
    return Config(**{k: d[k] for k in keys if k in d})
