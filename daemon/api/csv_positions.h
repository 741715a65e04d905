// Debt positions in CSV, read as a stream: one line per transfer, so a position with several
// options or transfers spans consecutive lines with the same iupd (and, for one option, the same
// iuv). The flat single-transfer form is the common case: one line per position, no transfer
// columns. Each position becomes GPD's PaymentPositionModel and is validated as JSON is.
//
// Columns (header names, any order; ',' or ';' as separator, RFC 4180 quoting):
//   position (from the first line of the position): iupd*, type*, fiscalCode*, fullName*,
//     streetName, civicNumber, postalCode, city, province, country, email, phone, companyName,
//     officeName, validityDate, switchToExpired (true/false, default false), payStandIn
//   option (from the first line of each iuv): iuv*, nav, amount* (euro cents), description*,
//     isPartialPayment (default false), paymentPlanId, dueDate*, retentionDate, fee
//   transfer (each line): idTransfer (default: 1, 2, ... in order), transferAmount (default: the
//     option amount), organizationFiscalCode, remittanceInformation (default: description),
//     category*, iban, postalIban, transferCompanyName
//   * required column; iban or postalIban must be a column. Empty cells are absent fields.
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "api/bulk_input.h"

namespace ponte::api {

// The columns a CSV header may name, in the documented order.
const std::vector<std::string>& csvColumns();

// A reader of positions from CSV text. A position's lines must be consecutive: a later group
// with the same iupd is another record (it replaces the first when stored). A header that names
// an unknown or repeated column, or lacks a required one, is a fatal error.
std::unique_ptr<BulkReader> makeCsvReader(std::istream& in, std::size_t max_record_bytes);

}  // namespace ponte::api
