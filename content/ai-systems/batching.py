"""A small queueing simulation of a batching server.

Requests arrive at random (Poisson) and each needs one forward pass. The server
starts a batch when `B` requests are waiting or the oldest has waited `--max-wait`
milliseconds, whichever comes first, and a pass over b requests takes
`--step` + `--per-request` × b milliseconds: a fixed cost for reading the weights,
plus a little per request.

`--metric throughput`: requests served per second against the batch size B, and the
server's capacity if every batch were full.
`--metric latency`: median and 95th-percentile latency against B.
Prints one chart (JSON) on standard output. Standard library only, seeded.
"""

import argparse
import json
import random

SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256]


def simulate(rate: float, batch: int, step: float, per_request: float, max_wait: float,
             seconds: float, seed: int) -> tuple[float, list[float]]:
    """(throughput in requests/s, latencies in ms) over `seconds` of arrivals at `rate` per second."""
    rng = random.Random(seed)
    arrivals, t = [], 0.0
    while t < seconds * 1000:
        t += rng.expovariate(rate / 1000)  # milliseconds
        arrivals.append(t)
    free, i, latencies, done_at = 0.0, 0, [], 0.0
    while i < len(arrivals):
        # The server starts when it is free and the batch is full or its oldest request has waited long enough.
        full_at = arrivals[i + batch - 1] if i + batch - 1 < len(arrivals) else float("inf")
        start = max(free, min(full_at, arrivals[i] + max_wait))
        size = 0
        while i + size < len(arrivals) and size < batch and arrivals[i + size] <= start:
            size += 1
        done_at = free = start + step + per_request * size
        latencies += [free - arrivals[j] for j in range(i, i + size)]
        i += size
    return len(arrivals) / (done_at / 1000), latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--metric", choices=("throughput", "latency"), default="throughput")
    parser.add_argument("--rate", type=float, default=1500, help="arrivals per second")
    parser.add_argument("--step", type=float, default=8.0, help="fixed cost of a pass, ms")
    parser.add_argument("--per-request", type=float, default=0.25, help="added cost per request in a pass, ms")
    parser.add_argument("--max-wait", type=float, default=100.0, help="longest a request waits for a batch, ms")
    parser.add_argument("--seconds", type=float, default=20.0, help="simulated time")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    x_axis = {"title": "Largest batch B", "scale": "log", "ticks": SIZES}

    def run(rate: float, batch: int) -> tuple[float, list[float]]:
        return simulate(rate, batch, args.step, args.per_request, args.max_wait, args.seconds, args.seed)

    if args.metric == "throughput":
        capacity = [[b, round(b / (args.step + args.per_request * b) * 1000, 1)] for b in SIZES]
        served = [[b, round(run(args.rate, b)[0], 1)] for b in SIZES]
        chart = {"title": f"Throughput at {args.rate:,.0f} requests/s", "x": x_axis,
                 "y": {"title": "Requests per second", "min": 0},
                 "series": [{"label": "capacity (full batches)", "points": capacity},
                            {"label": "served", "points": served}],
                 "references": [{"y": args.rate, "label": "arriving"}]}
    else:
        results = {b: run(args.rate, b)[1] for b in SIZES}
        chart = {
            "title": f"Latency at {args.rate:,.0f} requests/s",
            "x": x_axis,
            "y": {"title": "Latency", "unit": "ms", "scale": "log"},
            "series": [{"label": "median", "points": [[b, round(percentile(results[b], 0.5), 2)] for b in SIZES]},
                       {"label": "95th percentile",
                        "points": [[b, round(percentile(results[b], 0.95), 2)] for b in SIZES]}],
        }
    print(json.dumps(chart))


if __name__ == "__main__":
    main()
