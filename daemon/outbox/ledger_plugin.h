// A ledger adapter's descriptor, checked against this host's ABI: from a shared object loaded
// with dlopen(3), or from a built-in adapter's entry function (the same checks apply to both).
#pragma once

#include <memory>
#include <string>

#include "ponte/ledger.h"

namespace ponte::outbox {

class LedgerPlugin {
 public:
  // Loads the shared object at `path` (RTLD_NOW | RTLD_LOCAL), calls its ponte_ledger_entry and
  // checks the descriptor. On any problem returns null with *error naming the plugin and the
  // cause: the file cannot be loaded, it exports no entry function, the entry refuses this host,
  // its descriptor is shorter than ABI major.0 requires, it is built for another ABI major or a
  // newer minor, or a function or the name is missing. Nothing stays loaded after a failure.
  static std::shared_ptr<const LedgerPlugin> open(const std::string& path, std::string* error);

  // The same checks for an entry function linked into ponte; `origin` names it in messages.
  static std::shared_ptr<const LedgerPlugin> fromEntry(ponte_ledger_entry_fn entry,
                                                       const std::string& origin,
                                                       std::string* error);

  // Unloads the shared object. Every instance made from this plugin must be destroyed first:
  // holders keep the plugin alive through their shared_ptr.
  ~LedgerPlugin();
  LedgerPlugin(const LedgerPlugin&) = delete;
  LedgerPlugin& operator=(const LedgerPlugin&) = delete;

  // The checked descriptor: owned by the plugin, valid while this object lives.
  const ponte_ledger_plugin& descriptor() const { return *descriptor_; }
  // The descriptor's name, e.g. "webhook".
  const std::string& name() const { return name_; }
  // The file it was loaded from, or "built-in <type>".
  const std::string& origin() const { return origin_; }
  bool threadSafe() const { return (descriptor_->flags & PONTE_LEDGER_THREAD_SAFE) != 0; }

 private:
  LedgerPlugin() = default;
  static std::shared_ptr<const LedgerPlugin> check(ponte_ledger_entry_fn entry, void* handle,
                                                   const std::string& origin, std::string* error);

  void* handle_ = nullptr;  // dlopen handle; null for a built-in
  const ponte_ledger_plugin* descriptor_ = nullptr;
  std::string name_;
  std::string origin_;
};

}  // namespace ponte::outbox
