#!/usr/bin/env python3
"""Writes the demo debt positions (GPD JSON) of the two demo municipalities, dated around a day.

usage: make-demo-positions.py OUT_DIR [--today YYYY-MM-DD]

Writes OUT_DIR/80015010723.json and OUT_DIR/83000390019.json (arrays of GPD PaymentPositionModel,
with ponte's additions amountSchedule and coerciveCollection, and a status for the demo's paid,
expired and cancelled cases) and OUT_DIR/notices.json (each notice and what it demonstrates).
"""
import datetime
import json
import os
import sys

VALBRUNA = "80015010723"    # Comune di Valbruna, station 15376371009_01 (aux 3, segregation 01)
MONTEVERDE = "83000390019"  # Comune di Monteverde, station 15376371009_02 (aux 3, segregation 02)
PROVINCE = "80011470731"    # Provincia di Valbruna, beneficiary of TEFA
IBAN_VALBRUNA = "IT61X0306909606100000012345"
POSTAL_VALBRUNA = "IT66K0760103200001012345678"
IBAN_PROVINCE = "IT38C0200805364000101010101"
IBAN_MONTEVERDE = "IT68A0306909606100000067890"


def nav(segregation, base):
    """Notice number for aux digit 3: 3 + segregation code + 13-digit base + mod-93 check digits."""
    body = "3" + segregation + f"{base:013d}"
    return body + f"{int(body) % 93:02d}"


def transfer(idt, amount, iban, category, remittance, ec=None, postal=None, stamp=None,
             company=None):
    t = {"idTransfer": str(idt), "amount": amount, "remittanceInformation": remittance,
         "category": category}
    if ec:
        t["organizationFiscalCode"] = ec
    if company:
        t["companyName"] = company
    if iban:
        t["iban"] = iban
    if postal:
        t["postalIban"] = postal
    if stamp:
        t["stamp"] = stamp
    return t


def option(n, amount, description, due, transfers, partial=False, plan=None, status=None,
           schedule=None):
    o = {"iuv": n[1:], "nav": n, "amount": amount, "description": description,
         "isPartialPayment": partial, "dueDate": due.isoformat() + "T23:59:59",
         "transfer": transfers}
    if plan:
        o["paymentPlanId"] = plan
    if status:
        o["status"] = status
    if schedule:
        o["amountSchedule"] = schedule
    return o


def position(iupd, debtor_cf, debtor_name, company, options, status=None, switch=False, **extra):
    p = {"iupd": iupd, "type": "F", "fiscalCode": debtor_cf, "fullName": debtor_name,
         "companyName": company, "switchToExpired": switch, "paymentOption": options}
    if status:
        p["status"] = status
    p.update(extra)
    return p


def build(today):
    d = datetime.timedelta
    notices = []
    val, mon = [], []
    company_v, company_m = "Comune di Valbruna", "Comune di Monteverde"

    def note(ec, n, what, amount):
        notices.append({"ec": ec, "notice_number": n, "demonstrates": what, "amount_cents": amount})

    # 1. a single payment, payable
    n = nav("01", 123)
    val.append(position("VAL-2026-MENSA-0001", "RSSMRA80A01H501U", "Mario Rossi", company_v, [
        option(n, 12000, "Mensa scolastica - primo quadrimestre", today + d(30),
               [transfer(1, 12000, IBAN_VALBRUNA, "9/0101109SE/", "Mensa scolastica 2026 Rossi")])],
        email="mario.rossi@example.org"))
    note(VALBRUNA, n, "single payment, payable (120.00)", 12000)

    # 2. three installments and the single payment of the same debt
    single, r1, r2, r3 = (nav("01", b) for b in (201, 202, 203, 204))
    val.append(position("VAL-2026-IMU-0002", "VRDGPP75B12F205X", "Giuseppe Verdi", company_v, [
        option(single, 90000, "IMU 2026 - unica soluzione", today + d(20),
               [transfer(1, 90000, IBAN_VALBRUNA, "9/0101100IM/", "IMU 2026 unica soluzione")]),
        option(r1, 30000, "IMU 2026 - rata 1 di 3", today + d(20),
               [transfer(1, 30000, IBAN_VALBRUNA, "9/0101100IM/", "IMU 2026 rata 1")], True, "rate"),
        option(r2, 30000, "IMU 2026 - rata 2 di 3", today + d(80),
               [transfer(1, 30000, IBAN_VALBRUNA, "9/0101100IM/", "IMU 2026 rata 2")], True, "rate"),
        option(r3, 30000, "IMU 2026 - rata 3 di 3", today + d(140),
               [transfer(1, 30000, IBAN_VALBRUNA, "9/0101100IM/", "IMU 2026 rata 3")], True, "rate")]))
    note(VALBRUNA, single, "single payment of a debt also offered in 3 installments (900.00)", 90000)
    note(VALBRUNA, r1, "installment 1 of 3 (300.00); paying it makes the single payment unpayable", 30000)
    note(VALBRUNA, r2, "installment 2 of 3 (300.00)", 30000)
    note(VALBRUNA, r3, "installment 3 of 3 (300.00)", 30000)

    # 3. a traffic fine notified two days ago: reduced (-30%) for 5 days, ordinary to day 60, then increased
    n = nav("01", 301)
    notified = today - d(2)
    val.append(position("VAL-2026-CDS-0003", "BNCLRA90C41L219K", "Laura Bianchi", company_v, [
        option(n, 4200, "Verbale CdS n. 3/2026 - art. 7", notified + d(60),
               [transfer(1, 4200, IBAN_VALBRUNA, "9/0101108PM/", "Verbale 3/2026 targa AB123CD")],
               schedule=[
                   {"until": (notified + d(5)).isoformat(), "amount": 2940, "transferAmounts": [2940], "label": "reduced"},
                   {"until": (notified + d(60)).isoformat(), "amount": 4200, "transferAmounts": [4200], "label": "ordinary"},
                   {"amount": 8400, "transferAmounts": [8400], "label": "increased"}])]))
    note(VALBRUNA, n, "traffic fine: 29.40 within 5 days of notification, 42.00 to day 60, 84.00 after", 2940)

    # 4. expired
    n = nav("01", 401)
    val.append(position("VAL-2025-TOSAP-0004", "RSSMRA80A01H501U", "Mario Rossi", company_v, [
        option(n, 5000, "TOSAP 2025", today - d(10),
               [transfer(1, 5000, IBAN_VALBRUNA, "9/0101104TS/", "TOSAP 2025")])],
        status="EXPIRED", switch=True))
    note(VALBRUNA, n, "expired: PAA_PAGAMENTO_SCADUTO", 5000)

    # 5. cancelled
    n = nav("01", 501)
    val.append(position("VAL-2026-LAMP-0005", "VRDGPP75B12F205X", "Giuseppe Verdi", company_v, [
        option(n, 7500, "Lampade votive 2026", today + d(30),
               [transfer(1, 7500, IBAN_VALBRUNA, "9/0101105LV/", "Lampade votive 2026")])],
        status="INVALID"))
    note(VALBRUNA, n, "cancelled: PAA_PAGAMENTO_ANNULLATO", 7500)

    # 6. already paid
    n = nav("01", 601)
    val.append(position("VAL-2026-CIMI-0006", "BNCLRA90C41L219K", "Laura Bianchi", company_v, [
        option(n, 15000, "Concessione cimiteriale", today + d(30),
               [transfer(1, 15000, IBAN_VALBRUNA, "9/0101106CC/", "Concessione loculo 12")],
               status="PO_PAID")], status="PAID"))
    note(VALBRUNA, n, "already paid: PAA_PAGAMENTO_DUPLICATO", 15000)

    # 7. TARI + TEFA: two beneficiaries
    n = nav("01", 701)
    val.append(position("VAL-2026-TARI-0007", "RSSMRA80A01H501U", "Mario Rossi", company_v, [
        option(n, 21000, "TARI 2026 con TEFA", today + d(45), [
            transfer(1, 20000, IBAN_VALBRUNA, "9/0101101IM/", "TARI 2026"),
            transfer(2, 1000, IBAN_PROVINCE, "9/0301109AP/", "TEFA 2026", ec=PROVINCE,
                     company="Provincia di Valbruna")])]))
    note(VALBRUNA, n, "multi-beneficiary TARI (200.00, Comune) + TEFA (10.00, Provincia)", 21000)

    # 8. postal account only
    n = nav("01", 801)
    val.append(position("VAL-2026-ACQ-0008", "VRDGPP75B12F205X", "Giuseppe Verdi", company_v, [
        option(n, 6450, "Servizio idrico 2026 - acconto", today + d(30),
               [transfer(1, 6450, None, "9/0101107SI/", "Acconto idrico 2026", postal=POSTAL_VALBRUNA)])]))
    note(VALBRUNA, n, "postal account (allCCP true; transferType POSTAL)", 6450)

    # 9. draft
    n = nav("01", 901)
    val.append(position("VAL-2026-DRAFT-0009", "BNCLRA90C41L219K", "Laura Bianchi", company_v, [
        option(n, 3000, "Trasporto scolastico (bozza)", today + d(60),
               [transfer(1, 3000, IBAN_VALBRUNA, "9/0101109SE/", "Trasporto scolastico")])],
        status="DRAFT"))
    note(VALBRUNA, n, "draft, not published: PAA_PAGAMENTO_SCONOSCIUTO", 3000)

    # 10. sent to coercive collection
    n = nav("01", 1001)
    val.append(position("VAL-2022-TARI-0010", "RSSMRA80A01H501U", "Mario Rossi", company_v, [
        option(n, 18000, "TARI 2022", today + d(5),
               [transfer(1, 18000, IBAN_VALBRUNA, "9/0101101IM/", "TARI 2022")])],
        coerciveCollection={"reference": "ADER-2026-000123",
                            "url": "https://collector.example.org/pay/ADER-2026-000123"}))
    note(VALBRUNA, n, "sent to coercive collection: PAA_PAGAMENTO_ANNULLATO naming the collector", 18000)

    # 11. a digital stamp next to a fee (paGetPaymentV2 only)
    n = nav("01", 1101)
    val.append(position("VAL-2026-CERT-0011", "VRDGPP75B12F205X", "Giuseppe Verdi", company_v, [
        option(n, 1616, "Certificato anagrafico con bollo", today + d(10), [
            transfer(1, 16, IBAN_VALBRUNA, "9/0101108TS/", "Diritti di segreteria"),
            transfer(2, 1600, None, "9/0301116TS/9/24B0060000000017", "Marca da bollo",
                     stamp={"hashDocument": "wHpFSLCGZjIvNSXxqtGbxg7275t446DRTk5ZrsdUQ6E=",
                            "stampType": "01", "provincialResidence": "RM"})])]))
    note(VALBRUNA, n, "digital stamp (@e.bollo) with a fee: paGetPaymentV2", 1616)

    # 12-13. the second municipality
    n = nav("02", 1201)
    mon.append(position("MON-2026-SEG-0001", "NREGNN85D15A662P", "Giovanna Neri", company_m, [
        option(n, 1650, "Diritti di segreteria - pratica edilizia", today + d(30),
               [transfer(1, 1650, IBAN_MONTEVERDE, "9/0101108TS/", "Pratica SUE 44/2026")])]))
    note(MONTEVERDE, n, "second municipality, station with primitive version 1 (16.50)", 1650)
    n = nav("02", 1301)
    mon.append(position("MON-2026-COSAP-0002", "NREGNN85D15A662P", "Giovanna Neri", company_m, [
        option(n, 32000, "Canone occupazione suolo pubblico 2026", today + d(60),
               [transfer(1, 32000, IBAN_MONTEVERDE, "9/0101104TS/", "Canone unico 2026 passo carrabile")])]))
    note(MONTEVERDE, n, "second municipality, canone unico (320.00)", 32000)
    return val, mon, notices


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if args else 2
    out = args[0]
    today = datetime.date.today()
    if "--today" in args:
        today = datetime.date.fromisoformat(args[args.index("--today") + 1])
    os.makedirs(out, exist_ok=True)
    val, mon, notices = build(today)
    for name, data in ((VALBRUNA, val), (MONTEVERDE, mon), ("notices", notices)):
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
