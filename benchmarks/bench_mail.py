"""Reading mail into incidents: 1,000 messages from a Maildir, against a floor measured in the same run.

    python benchmarks/bench_mail.py [--messages 1000] [--runs 3]

Writes a Maildir of --messages new messages (plain text, one in five HTML only, one in ten with a
small attachment, one in twenty a reply to an earlier one), then, each in a fresh process on a
fresh copy: `vse-tui mail import MAILDIR` into a new database, and the floor: the same messages read
with the standard library's `mailbox` and parsed with `email` (what any mail reader must do).
Prints the medians and their ratio. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

FLOOR = r"""
import mailbox, sys
from email import policy
from email.parser import BytesParser
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
parser = BytesParser(policy=policy.default)
for key in box.keys():
    msg = parser.parsebytes(box.get_bytes(key))
    body = msg.get_body(("plain", "html"))
    text = body.get_content() if body else ""
"""


def write_maildir(path: Path, count: int) -> None:
    box = mailbox.Maildir(str(path), create=True)
    for n in range(count):
        msg = EmailMessage()
        msg["From"] = f"User {n % 40} <user{n % 40}@customer{n % 7}.example>"
        msg["To"] = "desk@shop.example"
        msg["Message-ID"] = f"<m{n}@customer.example>"
        if n % 20 == 19:
            msg["Subject"] = f"Re: Problem {n - 1}"
            msg["In-Reply-To"] = f"<m{n - 1}@customer.example>"
        else:
            msg["Subject"] = f"Problem {n}: the printer on floor {n % 5} jams"
        text = f"Hello,\n\nSince this morning problem {n} keeps coming back.\n\nRegards\n"
        if n % 5 == 4:
            msg.set_content(f"<html><body><p>{text}</p></body></html>", subtype="html")
        else:
            msg.set_content(text)
        if n % 10 == 9:
            msg.add_attachment(b"x" * 20_000, maintype="application", subtype="octet-stream", filename=f"log{n}.txt")
        box.add(msg)


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vse-mail-"))
    source = tmp / "source"
    write_maildir(source, args.messages)
    env = {**os.environ, "VSE_TUI_CONFIG": str(tmp / "config.toml")}
    (tmp / "config.toml").write_text('[mail]\nfrom = "desk@shop.example"\n')
    app, floor = [], []
    for n in range(args.runs):
        copy = tmp / f"box{n}"
        shutil.copytree(source, copy)
        floor.append(timed([sys.executable, "-c", FLOOR, str(source)], env))
        app.append(timed([sys.executable, "-m", "vse_tui", "mail", "import", str(copy), "--db", str(tmp / f"m{n}.db")],
                         env))
    a, f = statistics.median(app), statistics.median(floor)
    print(f"{args.messages:,} messages, {args.runs} runs, medians:")
    print(f"  vse-tui mail import: {a:.2f} s ({args.messages / a:,.0f} messages/s)")
    print(f"  floor (mailbox + email parsing): {f:.2f} s")
    print(f"  ratio: {a / f:.1f}x")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
