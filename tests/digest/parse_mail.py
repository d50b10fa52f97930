#!/usr/bin/python3
"""Parses stored messages with Python's email package (a real MIME parser)
and prints them as JSON for the browser tests.

Usage: parse_mail.py MAILDIR   -> a JSON list, one object per message:
  {"file", "envelope_to", "headers": {name: value}, "content_type",
   "parts": [content types], "text", "html", "links": [...]}
"""
import email
import html
import json
import os
import re
import sys
from email import policy


def parse(path):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=policy.default)
    text = msg.get_body(("plain",))
    html_part = msg.get_body(("html",))
    text_s = text.get_content() if text is not None else ""
    html_s = html_part.get_content() if html_part is not None else ""
    return {
        "file": path,
        "envelope_to": str(msg.get("X-Envelope-To", "")),
        "headers": {k: str(v) for k, v in msg.items()},
        "content_type": msg.get_content_type(),
        "parts": [p.get_content_type() for p in msg.walk()],
        "text": text_s,
        "html": html_s,
        "links": re.findall(r"https?://[^\s<>\"')]+", text_s),
        "html_links": [html.unescape(h) for h in re.findall(r'href="([^"]+)"', html_s)],
        "defects": [str(d) for p in msg.walk() for d in p.defects],
    }


def main():
    root = sys.argv[1]
    out = []
    new = os.path.join(root, "new")
    if os.path.isdir(new):
        for name in sorted(os.listdir(new), key=lambda n: os.stat(os.path.join(new, n)).st_mtime_ns):
            out.append(parse(os.path.join(new, name)))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
