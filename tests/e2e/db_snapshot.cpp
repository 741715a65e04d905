// Reading the daemon's database from a test.
#include "db_snapshot.h"

#include <sqlite3.h>

#include <stdexcept>

namespace ponte::e2e {
namespace {

sqlite3* openReadOnly(const std::string& database) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + database);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

}  // namespace

std::string snapshot(const std::string& database) {
  sqlite3* db = openReadOnly(database);
  std::string digest;
  for (const char* sql : {"SELECT * FROM positions ORDER BY 1", "SELECT * FROM payment_options ORDER BY 1, 2",
                          "SELECT * FROM receipts ORDER BY 1", "SELECT * FROM outbox ORDER BY 1",
                          "SELECT * FROM sequences ORDER BY 1, 2"}) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      sqlite3_close(db);
      throw std::runtime_error(std::string("cannot read: ") + sql);
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        const void* blob = sqlite3_column_blob(stmt, c);
        digest.append(static_cast<const char*>(blob ? blob : ""), static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)));
        digest.push_back('\x1f');
      }
      digest.push_back('\x1e');
    }
    sqlite3_finalize(stmt);
    digest.push_back('\x1d');
  }
  sqlite3_close(db);
  return digest;
}

int receiptCount(const std::string& database, const std::string& ec, const std::string& receipt_id) {
  sqlite3* db = openReadOnly(database);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM receipts WHERE ec = ?1 AND receipt_id = ?2", -1, &stmt, nullptr);
  sqlite3_bind_text(stmt, 1, ec.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt, 2, receipt_id.c_str(), -1, SQLITE_TRANSIENT);
  int count = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) count = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return count;
}

}  // namespace ponte::e2e
