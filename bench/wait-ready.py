#!/usr/bin/env python3
"""Waits for a daemon's READY=1 on a systemd notification socket of its own.

usage: wait-ready.py SOCKET_PATH [TIMEOUT_SECONDS]

Binds SOCKET_PATH (a unix datagram socket, as systemd's NOTIFY_SOCKET), then waits for READY=1.
Start the daemon with NOTIFY_SOCKET=SOCKET_PATH once the socket file exists. Prints
"REALTIME_SECONDS PORT" when READY=1 arrives: the wall-clock time it arrived (compare it with
bash's $EPOCHREALTIME taken just before the start) and the port in ponte's STATUS= line
("serving N creditor institutions on ADDR:PORT"). Exits 1 after the timeout (default 120 s).
"""
import os
import re
import socket
import sys
import time

path = sys.argv[1]
timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
if os.path.exists(path):
    os.unlink(path)
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
deadline = time.monotonic() + timeout
ready_at, port = None, None
while ready_at is None:
    left = deadline - time.monotonic()
    if left <= 0:
        sys.exit(1)
    sock.settimeout(left)
    try:
        message = sock.recv(4096).decode("utf-8", "replace")
    except socket.timeout:
        sys.exit(1)
    lines = message.split("\n")
    for line in lines:
        m = re.search(r" on [^ ]*:(\d+)$", line) if line.startswith("STATUS=") else None
        if m:
            port = m.group(1)
    if "READY=1" in lines:
        ready_at = time.time()
os.unlink(path)
print(f"{ready_at:.6f} {port}")
