"""A random-walk Metropolis sampler on a two-bump target, with a small and a large step.

`--view histogram`: where the large-step chain's samples land, against the target density.
`--view trace`: the path of the small-step chain, iteration by iteration.
Prints one chart (JSON) on standard output. Standard library only, seeded.
"""

import argparse
import json
import math
import random

NORMALISER = 2 * math.sqrt(math.pi)  # ∫ exp(-(x-2)²) + exp(-(x+2)²) dx


def log_p(x: float) -> float:  # unnormalised: two bumps at -2 and +2, as in the note
    return math.log(math.exp(-(x - 2) ** 2) + math.exp(-(x + 2) ** 2))


def metropolis(seed: int, step: float, n: int, x0: float = 0.0) -> tuple[list[float], float]:
    rng = random.Random(seed)
    x, lp, out, accepted = x0, log_p(x0), [], 0
    for _ in range(n):
        y = x + rng.gauss(0, step)
        lq = log_p(y)
        if math.log(1.0 - rng.random()) < lq - lp:
            x, lp, accepted = y, lq, accepted + 1
        out.append(x)
    return out, accepted / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--view", choices=("histogram", "trace"), default="histogram")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n", type=int, default=50_000, help="iterations per chain")
    args = parser.parse_args()

    wide, wide_rate = metropolis(args.seed, 2.5, args.n)
    if args.view == "histogram":
        xs = [round(-5 + i * 0.05, 2) for i in range(201)]
        chart = {
            "title": "Metropolis samples against the target",
            "x": {"title": "x"},
            "y": {"title": "Density"},
            "series": [
                # Every 10th sample: neighbours are correlated, and 5,000 draw the same picture.
                {"kind": "histogram", "label": f"samples, step 2.5 ({wide_rate:.0%} accepted)",
                 "samples": [round(v, 2) for v in wide[::10]], "density": True},
                {"label": "target density",
                 "points": [[x, round(math.exp(log_p(x)) / NORMALISER, 4)] for x in xs]},
            ],
        }
    else:
        narrow, narrow_rate = metropolis(args.seed, 0.1, args.n)
        keep = range(0, args.n, 50)  # every 50th iteration: enough to see how the chain moves
        chart = {
            "title": f"Trace of the step-0.1 chain ({narrow_rate:.0%} of moves accepted)",
            "x": {"title": "Iteration"},
            "y": {"title": "Position x"},
            "series": [{"label": "step 0.1", "points": [[i, round(narrow[i], 2)] for i in keep]}],
            "references": [{"y": -2, "label": "mode"}, {"y": 2, "label": "mode"}],
            "description": f"The position of a random-walk Metropolis chain with step 0.1 over {args.n:,} "
                           f"iterations. It spends {sum(v < 0 for v in narrow) / args.n:.0%} of its time in the "
                           "bump at −2, crossing to the bump at +2 only a few times.",
        }
    print(json.dumps(chart))


if __name__ == "__main__":
    main()
