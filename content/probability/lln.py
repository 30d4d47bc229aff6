"""Running mean of fair die rolls, one line per seed: the law of large numbers at work.

Prints one chart (JSON) on standard output; garden embeds it in the note.
Standard library only, and seeded, so every run prints the same bytes.
"""

import argparse
import json
import math
import random

MEAN, SD = 3.5, math.sqrt(35 / 12)  # one roll of a fair die


def running_means(seed: int, n: int, marks: list[int]) -> list[list[float]]:
    rng, total, out, wanted = random.Random(seed), 0, [], iter(marks)
    mark = next(wanted)
    for k in range(1, n + 1):
        total += rng.randint(1, 6)
        if k == mark:
            out.append([k, round(total / k, 4)])
            mark = next(wanted, None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5, help="how many independent runs")
    parser.add_argument("--n", type=int, default=10_000, help="throws per run")
    args = parser.parse_args()

    # About 40 points per decade: a log axis shows the wild start and the calm end alike.
    marks = sorted({round(10 ** (i / 40)) for i in range(int(40 * math.log10(args.n)) + 1)} | {args.n})
    series = [{"label": f"seed {seed}", "points": running_means(seed, args.n, marks)}
              for seed in range(1, args.seeds + 1)]
    series.append({"kind": "band", "label": "±2 standard errors",
                   "points": [[k, round(MEAN - 2 * SD / math.sqrt(k), 4), round(MEAN + 2 * SD / math.sqrt(k), 4)]
                              for k in marks]})
    print(json.dumps({
        "title": "Running mean of die rolls",
        "x": {"title": "Throws", "scale": "log"},
        "y": {"title": "Mean of the throws so far", "min": 1, "max": 6},
        "series": series,
        "references": [{"y": MEAN, "label": "expected value 3.5"}],
        "description": f"{args.seeds} runs of {args.n:,} fair die throws. Each running mean swings widely over "
                       "the first dozen throws, then settles towards 3.5, mostly inside a band of ±2 standard "
                       "errors that narrows like 1/√n.",
    }))


if __name__ == "__main__":
    main()
