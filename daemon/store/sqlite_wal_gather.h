// Gathered WAL writes for the writer's durable commits. SQLite writes each frame of its WAL with
// two calls (a 24-byte header, then the page): a group commit of 50 pages makes 100 system calls
// before its fsync. A VFS over the one the database is opened with gathers the writes of a WAL
// file that follow one another into a buffer and hands them on in writes of up to 120 KiB, at
// the latest when SQLite syncs the WAL, reads, truncates or sizes it, or closes it.
//
// Only while the writer has turned gathering on, and it does so for durable transactions only
// (synchronous=FULL): their commit syncs the WAL before SQLite publishes the new frames to the
// other connections, so nobody can read a frame that is still in the buffer, and nothing is
// acknowledged before it is on disk. A transaction without a sync (synchronous=NORMAL) writes
// straight through, as without this VFS.
#pragma once

#include <string>

struct sqlite3;

namespace ponte::store::sqlite {

// The name of the gathering VFS over `base` (a registered VFS; empty for SQLite's default),
// registered on first use. Empty when `base` is not registered.
std::string gatheringVfs(const std::string& base);

// Turns gathering on or off for the WAL of db's main database, when it is open and was opened
// through a gathering VFS; otherwise does nothing. Turning it off hands on what was gathered.
// Returns SQLITE_OK or the error of that write.
int gatherWalWrites(sqlite3* db, bool on);

}  // namespace ponte::store::sqlite
