#!/usr/bin/env bash
# Re-creates the demo models' shipped weights (resources/demo/*.safetensors) from scratch with the
# project's own trainer. Deterministic for a given LibTorch build and thread count; the files in the
# repository were made with Debian 12's LibTorch 1.13 on 2 threads. Rebuild afterwards: the weights
# are compiled into the engine.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${DORA_CLI:-build/app/dora-cli}
[ -x "$cli" ] || { echo "build dora-cli first (make build)" >&2; exit 1; }
export OMP_NUM_THREADS=2
"$cli" pretrain-demo demo-mlp --out resources/demo/demo-mlp.safetensors --steps 2000 --seed 1
"$cli" pretrain-demo demo-gpt --out resources/demo/demo-gpt.safetensors --steps 1500 --seed 1
