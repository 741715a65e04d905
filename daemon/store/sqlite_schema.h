// Applying numbered migrations to a SQLite database, recorded in its schema_migrations table.
#pragma once

#include <span>

#include "store/sqlite_connection.h"
#include "store/sqlite_migrations.h"

namespace ponte::store::sqlite {

// The highest migration recorded in the database; 0 for an empty database. kFatal when the file
// holds tables but no schema_migrations (not a ponte database).
Result<int> readSchemaVersion(Connection& db);

// Puts the database in WAL mode and applies every migration of `list` above its version, each in
// its own BEGIN IMMEDIATE transaction together with its schema_migrations row, so a failure leaves
// the database at the previous version. Returns the version reached (the last of `list`).
// Errors: kFatal when the database is newer than `list` ("upgrade ponte"), is not a ponte
// database, or a migration fails (the SQLite text is in the message); kUnavailable when another
// process holds the write lock past the busy timeout. Safe against a concurrent migrator.
// `list` must be numbered 1..N without gaps.
Result<int> applyMigrations(Connection& db, std::span<const Migration> list);

}  // namespace ponte::store::sqlite
