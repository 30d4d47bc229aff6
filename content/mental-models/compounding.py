"""Small daily gains and small daily losses, compounded over a year.

Three paths from 1: +1% every day, -1% every day, and +1% or -1% at random with
equal odds (a seeded coin), which wanders about where it started: mixed days
mostly cancel (a shade less than cancel, as a 1% loss undoes a little more
than a 1% gain adds).
Prints one chart (JSON) on standard output. Standard library only.
"""

import argparse
import json
import random


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rate", type=float, default=0.01, help="daily change")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    up, down, coin = [1.0], [1.0], [1.0]
    for _ in range(args.days):
        up.append(up[-1] * (1 + args.rate))
        down.append(down[-1] * (1 - args.rate))
        coin.append(coin[-1] * (1 + args.rate if rng.random() < 0.5 else 1 - args.rate))
    pct = f"{args.rate:.0%}"
    days = range(args.days + 1)
    print(json.dumps({
        "title": f"{pct} a day, compounded",
        "x": {"title": "Day"},
        "y": {"title": "Value, starting from 1", "scale": "log"},
        "series": [
            {"label": f"+{pct} every day", "points": [[d, round(up[d], 4)] for d in days]},
            {"label": f"±{pct} at random", "points": [[d, round(coin[d], 4)] for d in days]},
            {"label": f"−{pct} every day", "points": [[d, round(down[d], 5)] for d in days]},
        ],
        "references": [{"y": 1, "label": "where it started"}],
        "annotations": [{"x": args.days, "y": round(up[-1], 2), "label": f"{up[-1]:.1f}"},
                        {"x": args.days, "y": round(down[-1], 4), "label": f"{down[-1]:.3f}"}],
        "description": f"On a log scale, +{pct} a day is a straight line up to {up[-1]:.1f} after {args.days} days "
                       f"and −{pct} a day a straight line down to {down[-1]:.3f}; a random mix of the two wanders "
                       f"near 1 and ends at {coin[-1]:.2f}.",
    }))


if __name__ == "__main__":
    main()
