"""The roofline of an H100 (dense BF16 against HBM3), log-log, with a few kernels placed on it.

Attainable performance is min(peak, bandwidth × intensity); the ridge point is
where the two roofs meet. Prints one chart (JSON) on standard output.
Standard library only.
"""

import argparse
import json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--peak", type=float, default=990.0, help="peak compute, TFLOP/s")
    parser.add_argument("--bandwidth", type=float, default=3.35, help="memory bandwidth, TB/s")
    args = parser.parse_args()

    def roof(intensity: float) -> float:  # TB/s × FLOP/byte = TFLOP/s
        return min(args.peak, args.bandwidth * intensity)

    ridge = args.peak / args.bandwidth
    intensities = sorted({round(10 ** (i / 10), 4) for i in range(-20, 41)} | {round(ridge, 4)})
    kernels = [(0.17, "elementwise add"), (1.0, "decode, batch 1"), (32.0, "decode, batch 32"),
               (1365.0, "matmul, n = 4096")]
    print(json.dumps({
        "title": f"Roofline of an H100 ({args.peak:g} TFLOP/s, {args.bandwidth:g} TB/s)",
        "x": {"title": "Arithmetic intensity", "unit": "FLOP/byte", "scale": "log"},
        "y": {"title": "Attainable performance", "unit": "TFLOP/s", "scale": "log"},
        "series": [{"label": "roofline", "points": [[i, round(roof(i), 3)] for i in intensities]}],
        "references": [{"x": round(ridge, 1), "label": f"ridge ≈ {ridge:.0f} FLOP/byte"}],
        "annotations": [{"x": i, "y": round(roof(i), 3), "label": label} for i, label in kernels],
        "description": "Log-log roofline. Attainable performance rises with arithmetic intensity along the "
                       f"memory-bandwidth roof until the ridge point near {ridge:.0f} FLOP/byte, then stays flat "
                       f"at the {args.peak:g} TFLOP/s compute roof. Elementwise addition and batch-1 decode sit "
                       "far down the slope; a large matrix multiply sits on the flat roof.",
    }))


if __name__ == "__main__":
    main()
