// What the store holds, read straight from the SQLite file (the daemon may be running: WAL lets
// a reader in), so a test can assert that hostile input changed nothing.
#pragma once

#include <string>

namespace ponte::e2e {

// A digest of every row of the tables that hold positions, receipts, outbox deliveries and
// counters. Equal digests: nothing changed.
std::string snapshot(const std::string& database);

// How many receipts the EC has with this receiptId.
int receiptCount(const std::string& database, const std::string& ec, const std::string& receipt_id);

}  // namespace ponte::e2e
