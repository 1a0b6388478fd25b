#!/usr/bin/env bash
# Fourth round (models/README.md): three runs side by side on one GPU, each with a fixed wall-clock budget, on the
# corpus built with the independently written templates; every run keeps the snapshot with the best first-token
# accuracy on the independent selection prompts (never on the held-out ones), is evaluated on the held-out prompts
# and exported. Usage: bash models/train_round4.sh OUTDIR [SECONDS]
set -euo pipefail
out=${1:?output folder}
T=${2:-400}
mkdir -p "$out" models/build/base
python3 models/onnx_to_ckpt.py --out models/build/base/ckpt.pt > "$out/base.log" 2>&1
common="--steps 1000000 --time-budget $T --batch 256 --seq 128 --warmup 100 --text-docs 0 --eval-every 1000000 \
  --eval-every-s 20 --first-token-weight 10 --chat-rows 128 --dev .corpus/refusal_selection.jsonl"
python3 models/train.py $common --hidden 128 --layers 4 --heads 4 --kv-heads 2 --inter 344 \
  --init models/build/base/ckpt.pt --lr 2e-3 --seed 1241 --out "$out/runG" > "$out/runG.log" 2>&1 &
python3 models/train.py $common --hidden 192 --layers 6 --heads 6 --kv-heads 2 --inter 512 \
  --lr 3e-3 --seed 1242 --out "$out/runH" > "$out/runH.log" 2>&1 &
python3 models/train.py $common --hidden 256 --layers 3 --heads 8 --kv-heads 2 --inter 688 \
  --lr 3e-3 --seed 1243 --out "$out/runI" > "$out/runI.log" 2>&1 &
wait
for r in runG runH runI; do
  python3 models/eval_refusal.py --ckpt "$out/$r/ckpt.pt" --show-errors > "$out/$r/heldout_errors.txt" 2>&1 || true
  python3 models/eval_refusal.py --ckpt "$out/$r/ckpt.pt" --heldout .corpus/refusal_selection.jsonl \
    > "$out/$r/selection.txt" 2>&1 || true
done
