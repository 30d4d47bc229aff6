"""Binary entropy H(p): the average surprise, in bits, of a coin that lands heads with probability p.

Prints one chart (JSON) on standard output. Standard library only.
"""

import argparse
import json
import math


def binary_entropy(p: float) -> float:
    if p in (0.0, 1.0):
        return 0.0
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=200, help="points along p from 0 to 1")
    args = parser.parse_args()

    ps = [i / args.steps for i in range(args.steps + 1)]
    marked = [(0.5, "fair coin: 1 bit"), (0.9, "90% heads: 0.47 bits"), (0.99, "99% yes: 0.08 bits")]
    print(json.dumps({
        "title": "Entropy of a biased coin",
        "x": {"title": "Probability of heads, p"},
        "y": {"title": "H(p)", "unit": "bits", "min": 0, "max": 1.1},
        "series": [{"label": "H(p)", "points": [[p, round(binary_entropy(p), 5)] for p in ps]}],
        "annotations": [{"x": p, "y": round(binary_entropy(p), 4), "label": label} for p, label in marked],
        "description": "Binary entropy rises from 0 bits at p = 0 to a peak of 1 bit at p = 0.5 and falls "
                       "symmetrically back to 0 at p = 1. At p = 0.9 it is 0.47 bits; at p = 0.99, 0.08 bits.",
    }))


if __name__ == "__main__":
    main()
