"""How long render_mp4 takes and how big its files are, for a few typical clips.

Run from anywhere: python benchmarks/bench_mp4.py. It only prints; nothing is asserted.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPEATS = 5  # the first run pays for fresh memory; the best run shows the steady state


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # works without installing
    from simulator.media import ClipSpec, render_mp4

    specs = [
        ClipSpec(duration_ms=30_000, width=1920, height=1080, fps=30),
        ClipSpec(duration_ms=30_000, width=1920, height=1080, fps=30, with_audio=False),
        ClipSpec(duration_ms=120_000, width=1280, height=720, fps=25),
        ClipSpec(duration_ms=120_000, width=1920, height=1080, fps=60),
        ClipSpec(duration_ms=10_000, width=3840, height=2160, fps=60),
        ClipSpec(duration_ms=5_000, width=854, height=480, fps=25),
    ]
    print(f"{'clip':<34} {'frames':>7} {'first ms':>9} {'best ms':>8} {'bytes':>11}")
    for spec in specs:
        timings = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            data = render_mp4(spec)
            timings.append(time.perf_counter() - start)
        label = f"{spec.width}x{spec.height} {spec.fps}fps {spec.duration_ms / 1000:g}s" + (
            " +aac" if spec.with_audio else ""
        )
        first, best = timings[0] * 1000, min(timings) * 1000
        print(f"{label:<34} {spec.frame_count:>7} {first:>9.1f} {best:>8.1f} {len(data):>11,}")


if __name__ == "__main__":
    main()
