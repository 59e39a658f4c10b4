"""`kiosk run` with a journey script, as a real process with no DISPLAY: the whole visit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from packdata import write_tiny_pack

# The real core greets first, and (half-duplex) hears nothing while it speaks: the visitor
# speaks once the greeting (about 4 s of espeak-ng Mandarin) is over.
JOURNEY = """\
- {at: 0.5, approach: true}
- {at: 0.7, face: [0.3, 0.45, 0.3]}
- {at: 7.0, partial: WiFi}
- {at: 7.5, say: WiFi密码是多少, lang: zh}
- {at: 12.0, tap: "How do I get a library card?", lang: en}
- {at: 17.0, button: take_ticket, service: B}
- {at: 17.5, button: call_staff}
- {at: 18.0, leave: true}
"""


@pytest.mark.slow
def test_a_scripted_visit_runs_from_start_to_finish(tmp_path: Path) -> None:
    pack = tmp_path / "tiny"
    write_tiny_pack(pack)
    script = tmp_path / "visit.yaml"
    script.write_text(JOURNEY, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "-v",
            "run",
            "--pack",
            str(pack),
            "--data-dir",
            str(tmp_path / "data"),
            "--script",
            str(script),
            "--windowed",
            "--seconds",
            "22",
            "--shots",
            str(tmp_path / "shots"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    log = done.stderr
    for expected in (
        "state='engaged'",
        "PartialTranscript(",
        "sources=('wifi',)",
        "sources=('library-card',)",
        "TicketIssued(",
        "ticket='B001'",
        "StaffCalled(",
        "state='idle'",
    ):
        assert expected in log, expected
    assert "interrupted=True" in log or "interrupted=False" in log
    frames = int(done.stdout.split("drew ")[1].split()[0])
    assert frames > 20  # the avatar was animating all along
    assert len(list((tmp_path / "shots").glob("*.png"))) >= 3
