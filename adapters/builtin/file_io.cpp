// POSIX helpers of the file-based ledgers.
#include "builtin/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ponte::adapters {

std::string errnoMessage(std::string_view what, const std::string& path) {
  return std::string(what) + ": " + path + ": " + std::strerror(errno);
}

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool syncDirectory(const std::string& directory, std::string* error) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = errnoMessage("cannot open the directory", directory);
    return false;
  }
  const bool ok = ::fsync(fd) == 0;
  if (!ok) *error = errnoMessage("cannot fsync the directory", directory);
  ::close(fd);
  return ok;
}

bool writableDirectory(const std::string& path, std::string* error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    *error = errnoMessage("cannot use the directory", path);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *error = path + " is not a directory";
    return false;
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) {
    *error = errnoMessage("cannot write in the directory", path);
    return false;
  }
  return true;
}

}  // namespace ponte::adapters
