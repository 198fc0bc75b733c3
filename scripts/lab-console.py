#!/usr/bin/env python3
"""Console filter for scripts/lab.sh --interactive.

Copies the emulated LPAR's console (QEMU's stdout) to the terminal byte by
byte, unbuffered, so prompts and echo appear as typed, but keeps out of view
what is not the user's session: firmware and LPAR-kernel boot chatter before
the "@@LAB-UP-<nonce> ...@@" marker (a "lab: LPAR up" line is shown instead),
the markers themselves, and the power-off chatter after the exit marker.
Everything goes to the log file unfiltered.

    lab-console.py NONCE LOGFILE START_EPOCHREALTIME HOST
"""
import os
import sys
import time

nonce, logpath, start, host = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
up = ("@@LAB-UP-%s " % nonce).encode()
down = ("@@LAB-EXIT-%s " % nonce).encode()
out = sys.stdout.buffer
log = open(logpath, "ab", buffering=0)
state = "boot"      # boot -> session -> done
held = b""          # a possible marker start, not shown yet


def show(data):
    if data:
        out.write(data)
        out.flush()


while True:
    try:
        chunk = os.read(0, 4096)
    except InterruptedError:
        continue
    if not chunk:
        break
    log.write(chunk)
    if state == "done":
        continue
    buf = held + chunk
    held = b""
    if state == "boot":
        i = buf.find(up)
        if i < 0:
            # Keep a tail that might be the start of the marker.
            held = buf[-len(up):]
            continue
        j = buf.find(b"@@", i + len(up))
        if j < 0:
            held = buf[i:]
            continue
        kup = buf[i + len(up):j].decode(errors="replace")
        show(("lab: LPAR (%s host) up in %.1f s, kernel uptime at init %s s\r\n"
              % (host, time.time() - start, kup)).encode())
        state = "session"
        buf = buf[j + 2:].lstrip(b"\r\n")
    i = buf.find(down)
    if i >= 0:
        show(buf[:i].rstrip(b"\r\n") + b"\r\n")
        state = "done"
        continue
    # Hold back a trailing "@@..." that could grow into the exit marker.
    k = buf.rfind(b"@@")
    if k >= 0 and down.startswith(buf[k:k + len(down)]) and len(buf) - k < len(down):
        held = buf[k:]
        buf = buf[:k]
    show(buf)
