#!/usr/bin/env python3
"""Train the byte-level BPE tokenizer of sieve-tiny (8192 tokens) and write tokenizer_config.json.

Usage: python3 models/train_tokenizer.py [--corpus .corpus] [--out models/sieve-tiny]
"""
import argparse
import gzip
import json
import os
import random

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

SPECIAL = ["<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "[respond]",
           "[refuse:horizon]", "[refuse:private]", "[refuse:ability]", "[refuse:illposed]"]
VOCAB = 8192
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\n' + message['content'] + '<|end|>\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)


def chat_text(rec):
    return f"<|user|>\n{rec['prompt']}<|end|>\n<|assistant|>\n{rec['response']}<|end|>\n"


def iterate(corpus, seed):
    rng = random.Random(seed)
    with gzip.open(os.path.join(corpus, "text_train.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            if rng.random() < 0.5:
                yield json.loads(line)["text"]
    with gzip.open(os.path.join(corpus, "chat_train.jsonl.gz"), "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i < 40000:
                yield chat_text(json.loads(line))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(here, "..", ".corpus"))
    ap.add_argument("--out", default=os.path.join(here, "sieve-tiny"))
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=VOCAB, min_frequency=2, special_tokens=SPECIAL,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(iterate(args.corpus, args.seed), trainer=trainer)
    assert tok.get_vocab_size() == VOCAB, tok.get_vocab_size()
    for i, s in enumerate(SPECIAL):
        assert tok.token_to_id(s) == i
    os.makedirs(args.out, exist_ok=True)
    tok.save(os.path.join(args.out, "tokenizer.json"))
    cfg = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "unk_token": None, "add_bos_token": False, "add_eos_token": False,
        "model_max_length": 1024, "clean_up_tokenization_spaces": False,
        "additional_special_tokens": SPECIAL[1:],
        "chat_template": CHAT_TEMPLATE,
    }
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    enc = tok.encode("<|user|>\nWrite a JSON record for a book.<|end|>\n<|assistant|>\n[respond] {\"title\": \"x\"}<|end|>")
    print(enc.tokens)


if __name__ == "__main__":
    main()
