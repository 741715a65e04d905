// Small POSIX file helpers for the file-based ledgers (spool, journal): whole writes, fsync of a
// directory, errno as text. Every function reports failure with a message instead of throwing.
#pragma once

#include <string>
#include <string_view>

namespace ponte::adapters {

// "what: path: strerror(errno)".
std::string errnoMessage(std::string_view what, const std::string& path);

// Writes all of data to fd, retrying short writes and EINTR. False with errno set on failure.
bool writeAll(int fd, std::string_view data);

// fsyncs the directory itself, so an entry created or renamed in it survives a crash.
bool syncDirectory(const std::string& directory, std::string* error);

// Whether path names an existing directory the process may create files in.
bool writableDirectory(const std::string& path, std::string* error);

}  // namespace ponte::adapters
