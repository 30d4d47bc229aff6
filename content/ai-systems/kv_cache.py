"""The KV cache in numbers, from a simple cost model.

`--view memory`: cache size of one sequence against its length, for a few model shapes.
`--view time`: time per generated token with and without the cache, on one H100, for a
7B-class model (a roofline estimate: each step takes the longer of its memory traffic
and its arithmetic).
Prints one chart (JSON) on standard output. Standard library only.
"""

import argparse
import json

GIB = 2 ** 30
BANDWIDTH = 3.35e12  # bytes/s, H100 HBM3
PEAK = 990e12 * 0.5  # FLOP/s: dense BF16 at a realistic half of peak

# name, layers, KV heads, head dim, parameters
MODELS = [
    ("7B, 32 KV heads", 32, 32, 128, 7e9),
    ("7B, 8 KV heads (GQA)", 32, 8, 128, 7e9),
    ("70B, 8 KV heads (GQA)", 80, 8, 128, 70e9),
]


def kv_bytes(layers: int, kv_heads: int, head_dim: int, tokens: int, bytes_per: int = 2) -> int:
    return 2 * layers * kv_heads * head_dim * bytes_per * tokens


def memory_chart(max_tokens: int) -> dict:
    lengths = list(range(0, max_tokens + 1, max_tokens // 64))
    weights_7b = 7e9 * 2 / GIB
    return {
        "title": "KV cache of one sequence (fp16)",
        "x": {"title": "Sequence length", "unit": "tokens"},
        "y": {"title": "Cache size", "unit": "GiB"},
        "series": [{"label": name, "points": [[t, round(kv_bytes(layers, heads, dim, t) / GIB, 3)] for t in lengths]}
                   for name, layers, heads, dim, _ in MODELS],
        "references": [{"y": round(weights_7b, 1), "label": f"7B weights in fp16: {weights_7b:.0f} GiB"}],
    }


def time_chart(max_tokens: int) -> dict:
    name, layers, heads, dim, params = MODELS[0]
    d_model = 4096
    weights = params * 2
    positions = list(range(1, max_tokens + 2, max_tokens // 64))

    def with_cache(t: int) -> float:  # read the weights and the cache once; arithmetic for one token
        return max((weights + kv_bytes(layers, heads, dim, t)) / BANDWIDTH, 2 * params / PEAK)

    def without_cache(t: int) -> float:  # run the whole prefix again: arithmetic for t tokens
        flops = 2 * params * t + 4 * layers * d_model * t * t
        return max(weights / BANDWIDTH, flops / PEAK)

    return {
        "title": "Time per generated token, 7B model on one H100",
        "x": {"title": "Tokens so far"},
        "y": {"title": "Time per token", "unit": "ms", "min": 0},
        "series": [
            {"label": "without a cache", "points": [[t, round(without_cache(t) * 1e3, 3)] for t in positions]},
            {"label": "with the KV cache", "points": [[t, round(with_cache(t) * 1e3, 3)] for t in positions]},
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--view", choices=("memory", "time"), default="memory")
    parser.add_argument("--tokens", type=int, default=0, help="longest sequence (default: 32,768 / 4,096)")
    args = parser.parse_args()
    if args.view == "memory":
        chart = memory_chart(args.tokens or 32_768)
    else:
        chart = time_chart(args.tokens or 4_096)
    print(json.dumps(chart))


if __name__ == "__main__":
    main()
