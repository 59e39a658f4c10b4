"""Avatar rendering speed: a few hundred frames of talking at 1080x1920, offscreen.

Renders with the real renderer into an offscreen framebuffer (Xvfb + Mesa when there is no
display), driving the animator with a viseme timeline estimated from a real answer, and
waits for the GL to finish every frame. Prints per-avatar medians over several runs; the
last line is `fps: N` for the slowest avatar measured. On a shared machine the wall-clock rate
depends on the load, so each line also gives the CPU time one frame takes.

    python bench/render_fps.py [--avatar xiaojiang] [--frames 300] [--runs 3] [--size 1080x1920]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--avatar", action="append", help="avatar name (repeat; default: all)")
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="1080x1920")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    from kiosk.ui.headless import display_for_gl, use_gl_33

    use_gl_33()
    with display_for_gl(width, height):
        from PySide6.QtGui import QGuiApplication

        from kiosk.ui.avatar.animation import Animator
        from kiosk.ui.avatar.offscreen import OffscreenTarget, make_renderer
        from kiosk.ui.avatar.spec import avatar_names, load_avatar
        from kiosk.ui.textvisemes import estimate_timeline

        app = QGuiApplication(sys.argv[:1])
        names = args.avatar or avatar_names()
        target = OffscreenTarget(width, height)
        text = "您好，本站1号线站台在地下二层，2号线站台在地下三层，换乘不用出站。"
        results: dict[str, float] = {}
        for name in names:
            renderer = make_renderer(load_avatar(name))
            renderer.initialize()
            runs, cpu = [], []
            for _ in range(args.runs):
                animator = Animator(seed=3)
                animator.speak(estimate_timeline(text, "zh"), 0.0)
                started, cpu_started = time.perf_counter(), time.process_time()
                for frame in range(args.frames):
                    target.draw(renderer, animator.pose(frame / 60.0))  # a 60 Hz playback clock
                runs.append(args.frames / (time.perf_counter() - started))
                # CPU time of every thread of the process (Python and llvmpipe's rasterisers):
                # what one frame costs, whatever else the machine is doing
                cpu.append(1000 * (time.process_time() - cpu_started) / args.frames)
            results[name] = statistics.median(runs)
            print(
                f"{name}: {results[name]:.1f} fps (median of {args.runs} runs of "
                f"{args.frames} frames at {width}x{height}; "
                f"runs {', '.join(f'{r:.1f}' for r in runs)}); "
                f"{statistics.median(cpu):.1f} ms of CPU per frame"
            )
        target.close()
        del app
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"fps: {min(results.values()):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
