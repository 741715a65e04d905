// Small builders of positions and options shared by the core tests.
#pragma once

#include <string>
#include <vector>

#include "core/civil_date.h"
#include "core/position.h"

namespace ponte::core::testing {

inline Date ymd(int y, unsigned m, unsigned d) { return *Date::fromYmd(y, m, d); }

inline Transfer transfer(int id, Cents amount, std::string fiscal_code = "00000000201") {
  Transfer t;
  t.id_transfer = id;
  t.amount = amount;
  t.organization_fiscal_code = std::move(fiscal_code);
  t.iban = "IT60X0542811101000000123456";
  t.remittance_information = "payment";
  t.category = "9/0101100IM/";
  return t;
}

// An unpaid option due on `due`, with one transfer carrying the whole amount.
inline PaymentOption option(std::string iuv, Cents amount, Date due, bool installment = false,
                            std::string plan = {}) {
  PaymentOption o;
  o.iuv = iuv;
  o.nav = "3" + iuv;
  o.amount = amount;
  o.description = "option " + iuv;
  o.is_partial_payment = installment;
  o.payment_plan_id = std::move(plan);
  o.due_date = due;
  o.transfers.push_back(transfer(1, amount));
  return o;
}

// A VALID position whose single option (index 0) is due on 2025-06-30.
inline DebtPosition singlePosition() {
  DebtPosition p;
  p.ec_fiscal_code = "00000000201";
  p.iupd = "IUPD-1";
  p.company_name = "Comune di Prova";
  p.status = PositionStatus::kValid;
  p.options.push_back(option("01000000000000101", 10000, ymd(2025, 6, 30)));
  return p;
}

// A VALID position with a single option (index 0), a plan "A" of two installments (1, 2) and a
// plan "B" of three installments (3, 4, 5).
inline DebtPosition plansPosition() {
  DebtPosition p = singlePosition();
  p.options.push_back(option("01000000000000201", 5000, ymd(2025, 6, 30), true, "A"));
  p.options.push_back(option("01000000000000202", 5000, ymd(2025, 9, 30), true, "A"));
  p.options.push_back(option("01000000000000301", 3400, ymd(2025, 6, 30), true, "B"));
  p.options.push_back(option("01000000000000302", 3300, ymd(2025, 8, 31), true, "B"));
  p.options.push_back(option("01000000000000303", 3300, ymd(2025, 10, 31), true, "B"));
  return p;
}

}  // namespace ponte::core::testing
