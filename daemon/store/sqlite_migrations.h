// The SQLite schema as numbered migrations. A migration, once released, never changes: a new
// column or index is a new entry with the next number.
#pragma once

#include <span>
#include <string_view>

namespace ponte::store::sqlite {

struct Migration {
  int version;            // 1, 2, 3, ... without gaps
  std::string_view name;  // a few words, recorded in schema_migrations
  std::string_view sql;   // one or more statements, run in one transaction
  // Tables rebuilt by the migration (SQLite's procedure: make the new table, copy, drop the
  // old, rename), space-separated, with the tables that refer to them: the migration then runs
  // with foreign keys off, and the references from these tables are checked before it commits.
  std::string_view rebuilds = {};
};

// Every migration this binary knows, in order; the last one's version is the schema version.
std::span<const Migration> migrations();

}  // namespace ponte::store::sqlite
