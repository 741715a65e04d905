// The PostgreSQL dialect of ponte's numbered schema migrations (the same numbers and names as
// SQLite's), and the migrator that applies them under an advisory lock.
#pragma once

#include <span>

#include "store/postgres_connection.h"
#include "store/sqlite_migrations.h"

namespace ponte::store::pg {

using Migration = sqlite::Migration;

// Every migration this binary knows, in order: entry i has the version and name of SQLite's
// entry i, so both engines report the same schema version.
std::span<const Migration> migrations();

// The highest migration recorded in the database; 0 for an empty one. kFatal when the database
// holds ponte's tables but no schema_migrations.
Result<int> readSchemaVersion(Connection& db);

// Applies every migration of `list` above the database's version, each in its own transaction
// with its schema_migrations row, holding a transaction-scoped advisory lock so instances
// starting together apply each migration once. Returns the version reached. kFatal when the
// database is newer than `list` ("upgrade ponte"), is not UTF-8, or a migration fails;
// kUnavailable when the server cannot be reached. `list` must be numbered 1..N without gaps.
Result<int> applyMigrations(Connection& db, std::span<const Migration> list);

}  // namespace ponte::store::pg
