"""The running share of heads in fair coin flips: a chart for the welcome note.

`garden charts` runs this script and stores what it prints beside it, in a
`.chart.json` file; builds only read that file. Standard library only, and
a fixed seed, so every run prints the same chart.
"""

import argparse
import json
import random


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flips", type=int, default=1000, help="how many times to flip the coin")
    parser.add_argument("--seed", type=int, default=7, help="the random seed")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    heads, points = 0, []
    for flip in range(1, args.flips + 1):
        heads += rng.random() < 0.5
        points.append([flip, round(heads / flip, 4)])
    print(json.dumps({
        "title": "Share of heads so far",
        "x": {"title": "Flips", "scale": "log"},
        "y": {"title": "Share of heads", "min": 0, "max": 1},
        "series": [{"label": f"seed {args.seed}", "points": points}],
        "references": [{"y": 0.5, "label": "one half"}],
        "description": f"The share of heads over {args.flips} fair coin flips swings widely in the first few "
                       f"flips and settles near one half; after all {args.flips} it is {heads / args.flips:.3f}.",
    }))


if __name__ == "__main__":
    main()
