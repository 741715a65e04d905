// Names the calling thread as `top -H`, `ps -L` and perf show it ("ponte-writer", ...).
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace ponte::core {

// Linux keeps at most 15 bytes of a thread's name; longer names are cut.
inline void nameThread(pthread_t thread, std::string_view name) {
  const std::string kept(name.substr(0, 15));
  pthread_setname_np(thread, kept.c_str());
}

inline void nameThisThread(std::string_view name) { nameThread(pthread_self(), name); }

}  // namespace ponte::core
