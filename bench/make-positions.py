#!/usr/bin/env python3
"""Writes debt positions for the benchmark (GPD JSON) and the lists of their notices.

usage: make-positions.py OUT_DIR --count N [--reads R] [--chunk K] [--ec FC] [--segregation SS]
                         [--transfers T] [--first B]

Each position has one payment option of 50.00 due in 2099, split over T transfers (default 5)
to the EC's account, with a notice number for aux digit 3 and the segregation code (default 01,
the demo station 15376371009_01), bases B, B+1, ... (default 3000000000000: outside the range
of spontaneous notices, which start with 7).

Writes OUT_DIR/positions-000.json, -001, ... (K positions each, default 50000: a file
`ponte positions import` reads comfortably), OUT_DIR/read-notices.txt (the first R notices,
default 10000, for verify and getv2) and OUT_DIR/pay-notices.txt (the others, for sendrtv2), one
"EC NOTICE CENTS" a line.
"""
import argparse
import json
import os

ap = argparse.ArgumentParser()
ap.add_argument("out_dir")
ap.add_argument("--count", type=int, required=True)
ap.add_argument("--reads", type=int, default=10000)
ap.add_argument("--chunk", type=int, default=50000)
ap.add_argument("--ec", default="80015010723")
ap.add_argument("--segregation", default="01")
ap.add_argument("--transfers", type=int, default=5)
ap.add_argument("--first", type=int, default=3000000000000)
args = ap.parse_args()

IBAN = "IT61X0306909606100000012345"
CENTS = 5000
os.makedirs(args.out_dir, exist_ok=True)

share = CENTS // args.transfers
amounts = [CENTS - share * (args.transfers - 1)] + [share] * (args.transfers - 1)
transfers = json.dumps([{"idTransfer": str(t + 1), "amount": a,
                         "remittanceInformation": f"Quota {t + 1}",
                         "category": "9/0101100IM/", "iban": IBAN}
                        for t, a in enumerate(amounts)])
# One template, filled by position: json.dumps per position would make 1M positions slow.
template = ('{"iupd":"BENCH-%s","type":"F","fiscalCode":"RSSMRA80A01H501U",'
            '"fullName":"Mario Rossi","companyName":"Comune di Valbruna","switchToExpired":false,'
            '"paymentOption":[{"iuv":"%s","nav":"%s","amount":' + str(CENTS) + ','
            '"description":"Benchmark","isPartialPayment":false,"dueDate":"2099-12-31T23:59:59",'
            '"transfer":' + transfers + '}]}')

with open(os.path.join(args.out_dir, "read-notices.txt"), "w") as reads, \
        open(os.path.join(args.out_dir, "pay-notices.txt"), "w") as pays:
    for start in range(0, args.count, args.chunk):
        end = min(args.count, start + args.chunk)
        items = []
        for i in range(start, end):
            body = "3" + args.segregation + f"{args.first + i:013d}"
            nav = body + f"{int(body) % 93:02d}"
            items.append(template % (i, nav[1:], nav))
            (reads if i < args.reads else pays).write(f"{args.ec} {nav} {CENTS}\n")
        name = os.path.join(args.out_dir, f"positions-{start // args.chunk:03d}.json")
        with open(name, "w") as out:
            out.write("[" + ",\n".join(items) + "]\n")
