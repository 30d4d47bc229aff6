"""Expected speed-up of speculative decoding against the draft acceptance rate.

Each round drafts k tokens (each costing `--draft-cost` of a target pass) and verifies
them in one target pass; with independent acceptance at rate α a round yields
(1 - α^(k+1)) / (1 - α) tokens. The lines are that formula; the points are a
seeded simulation of the accept/reject loop for k = 4, as a check.
Prints one chart (JSON) on standard output. Standard library only.
"""

import argparse
import json
import random


def expected_tokens(alpha: float, k: int) -> float:
    return k + 1 if alpha == 1 else (1 - alpha ** (k + 1)) / (1 - alpha)


def speedup(alpha: float, k: int, cost: float) -> float:
    return expected_tokens(alpha, k) / (1 + k * cost)


def simulated_speedup(alpha: float, k: int, cost: float, rounds: int, rng: random.Random) -> float:
    tokens = 0
    for _ in range(rounds):
        accepted = 0
        while accepted < k and rng.random() < alpha:
            accepted += 1
        tokens += accepted + 1  # the accepted drafts, then one token from the target
    return tokens / rounds / (1 + k * cost)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draft-cost", type=float, default=0.05, help="a draft token's cost, in target passes")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    alphas = [i / 100 for i in range(0, 100)]
    rng = random.Random(args.seed)
    series = [{"label": f"k = {k}", "points": [[a, round(speedup(a, k, args.draft_cost), 4)] for a in alphas]}
              for k in (1, 2, 4, 8)]
    series.append({"kind": "scatter", "label": "k = 4, simulated", "color": 3,
                   "points": [[a, round(simulated_speedup(a, 4, args.draft_cost, 2_000, rng), 4)]
                              for a in (i / 20 for i in range(1, 20))]})
    print(json.dumps({
        "title": "Speed-up from speculative decoding",
        "x": {"title": "Acceptance rate α", "min": 0, "max": 1},
        "y": {"title": "Speed-up over plain decoding", "unit": "×", "min": 0},
        "series": series,
        "references": [{"y": 1, "label": "no speed-up"}],
        "annotations": [{"x": 0.8, "y": round(speedup(0.8, 4, args.draft_cost), 2),
                         "label": f"α = 0.8, k = 4: {speedup(0.8, 4, args.draft_cost):.1f}×"}],
        "description": f"Expected speed-up against acceptance rate for 1, 2, 4 and 8 draft tokens, with each "
                       f"draft token costing {args.draft_cost:g} of a target pass. Below an acceptance rate of "
                       "about 0.2 drafting loses time; long drafts pay off only at high acceptance rates.",
    }))


if __name__ == "__main__":
    main()
