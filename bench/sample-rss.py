#!/usr/bin/env python3
"""Samples a process's resident memory every 100 ms and keeps the largest sample.

usage: sample-rss.py PID FILE

While PID lives, reads VmRSS from /proc/PID/status ten times a second and writes the largest
value seen (KiB) to FILE whenever it grows. One process that only reads a file: a sampler that
started a process per sample (awk, sleep) delayed the server's answers by milliseconds, tens of
times a second, on a 2-core machine, and inflated every latency the bench measured.
"""
import sys
import time

pid, path = sys.argv[1], sys.argv[2]
largest = 0
while True:
    try:
        with open(f"/proc/{pid}/status") as status:
            rss = next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
    except (FileNotFoundError, ProcessLookupError):
        break
    if rss > largest:
        largest = rss
        with open(path, "w") as out:
            out.write(f"{largest}\n")
    time.sleep(0.1)
