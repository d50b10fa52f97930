#!/usr/bin/python3
"""A real SMTP server for the digest tests (Debian's python3-aiosmtpd).

Usage: smtp_server.py PORT MAILDIR [--ready FILE] [--discard]

Accepts mail on 127.0.0.1:PORT and stores each message in the Maildir MAILDIR
(one file per message and recipient, as delivered). Recipients decide
failures, so tests can ask for them:
  reject*@...   550 at RCPT (a permanent failure)
  tempfail*@... 451 at RCPT the first time, accepted after that
  slow*@...     the reply to DATA comes after 0.2 s
Writes "ready" to FILE (if given) once it listens. With --discard (the
benchmark), accepted messages are counted in MAILDIR/count instead of kept.
Stops on SIGTERM.
"""
import asyncio
import mailbox
import os
import signal
import sys
import time

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, maildir, discard=False):
        self.maildir = maildir
        self.discard = discard
        self.count = 0
        self.box = None if discard else mailbox.Maildir(maildir, create=True)
        self.tempfailed = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 No such user here"
        if local.startswith("tempfail") and address not in self.tempfailed:
            self.tempfailed.add(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(r.split("@")[0].lower().startswith("slow") for r in envelope.rcpt_tos):
            await asyncio.sleep(0.2)
        if self.discard:
            self.count += len(envelope.rcpt_tos)
            return "250 Message accepted for delivery"
        for rcpt in envelope.rcpt_tos:
            data = envelope.original_content or envelope.content
            if isinstance(data, str):
                data = data.encode("utf-8")
            self.box.add(b"X-Envelope-To: " + rcpt.encode() + b"\r\n" + data)
        return "250 Message accepted for delivery"


def main():
    port = int(sys.argv[1])
    maildir = sys.argv[2]
    ready = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--ready" else None
    discard = "--discard" in sys.argv
    if discard:
        os.makedirs(maildir, exist_ok=True)
    handler = Handler(maildir, discard)
    controller = Controller(handler, hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    if ready:
        with open(ready + ".tmp", "w") as f:
            f.write("ready\n")
        os.rename(ready + ".tmp", ready)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    while not stop:
        time.sleep(0.05)
    controller.stop()
    if discard:
        with open(os.path.join(maildir, "count"), "w") as f:
            f.write(str(handler.count) + "\n")


if __name__ == "__main__":
    main()
