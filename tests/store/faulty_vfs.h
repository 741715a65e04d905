// A SQLite VFS for fault injection: it wraps the default VFS and, while armed, fails the fsyncs
// or writes of every file it opened, as a dying disk would.
#pragma once

namespace ponte::store::testing {

class FaultyVfs {
 public:
  // The name to put in SqliteOptions::vfs. Registers the VFS on first call (not as default).
  static const char* name();
  // While on, every xSync answers SQLITE_IOERR_FSYNC / every xWrite SQLITE_IOERR_WRITE.
  static void failSyncs(bool on);
  static void failWrites(bool on);
  // Syncs that reached the disk (or would have) since the process started.
  static long syncs();
  // Writes to WAL files that reached the disk since the process started.
  static long walWrites();
};

}  // namespace ponte::store::testing
