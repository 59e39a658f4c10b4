"""Write a synthetic hall video to try `kiosk presence` on (no camera needed).

A visitor (matplotlib's Grace Hopper photo) walks up and stops at 4 s, stays until 7 s and
walks away; a passer-by crosses the hall far away meanwhile. 640×480, 15 fps, MJPEG AVI.

    .venv/bin/python bench/presence_video.py /tmp/hall.avi
    .venv/bin/kiosk presence --video /tmp/hall.avi --json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "vision"))

from synthetic import scene, walker, write_video


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the .avi file to write")
    args = parser.parse_args()
    visitor = walker((1.0, 0.25, 0.07), (4.0, 0.5, 0.40), (7.0, 0.5, 0.40), (8.5, 0.9, 0.08))
    passer_by = walker((0.0, -0.05, 0.1), (8.0, 1.05, 0.1), y=0.33)
    write_video(args.output, scene(visitor, passer_by), 13.0)
    print(f"wrote {args.output}: visitor stops at 4.0 s, leaves from 7.0 s")


if __name__ == "__main__":
    main()
