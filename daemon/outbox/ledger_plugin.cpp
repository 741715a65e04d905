// Loading and checking ledger adapters: the version rules of ponte/ledger.h, enforced once, with
// a message that tells the operator what to do about each way a plugin can be wrong.
#include "outbox/ledger_plugin.h"

#include <dlfcn.h>

#include <cstddef>

namespace ponte::outbox {
namespace {

std::string hostAbi() {
  return std::to_string(PONTE_LEDGER_ABI_MAJOR) + "." + std::to_string(PONTE_LEDGER_ABI_MINOR);
}

}  // namespace

std::shared_ptr<const LedgerPlugin> LedgerPlugin::open(const std::string& path,
                                                       std::string* error) {
  // Local symbols: two plugins may define the same names without seeing each other's.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    *error = "cannot load ledger plugin " + path + ": " + (why ? why : "unknown error");
    return nullptr;
  }
  ::dlerror();
  void* symbol = ::dlsym(handle, PONTE_LEDGER_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    *error = "ledger plugin " + path + " exports no entry function " +
             PONTE_LEDGER_ENTRY_SYMBOL +
             " (build it against ponte/ledger.h and export that symbol, extern \"C\" in C++)";
    ::dlclose(handle);
    return nullptr;
  }
  ponte_ledger_entry_fn entry = nullptr;
  static_assert(sizeof entry == sizeof symbol);
  __builtin_memcpy(&entry, &symbol, sizeof entry);  // object to function pointer, as dlsym needs
  auto plugin = check(entry, handle, path, error);
  if (!plugin) ::dlclose(handle);
  return plugin;
}

std::shared_ptr<const LedgerPlugin> LedgerPlugin::fromEntry(ponte_ledger_entry_fn entry,
                                                            const std::string& origin,
                                                            std::string* error) {
  return check(entry, nullptr, origin, error);
}

std::shared_ptr<const LedgerPlugin> LedgerPlugin::check(ponte_ledger_entry_fn entry, void* handle,
                                                        const std::string& origin,
                                                        std::string* error) {
  const ponte_ledger_plugin* d = entry(PONTE_LEDGER_ABI_MAJOR, PONTE_LEDGER_ABI_MINOR);
  const std::string who = "ledger plugin " + origin;
  if (d == nullptr) {
    *error = who + " refused to work with this ponte (ledger ABI " + hostAbi() +
             "): its entry function returned no descriptor";
    return nullptr;
  }
  // Read the versions only once the plugin says its struct holds them.
  constexpr std::size_t kVersioned = offsetof(ponte_ledger_plugin, abi_minor) + sizeof(uint32_t);
  if (d->struct_size < kVersioned) {
    *error = who + " has a descriptor of " + std::to_string(d->struct_size) +
             " bytes, too short to hold its ABI version (it is not a ponte ledger plugin, or "
             "is corrupt)";
    return nullptr;
  }
  if (d->abi_major != PONTE_LEDGER_ABI_MAJOR) {
    *error = who + " is built for ledger ABI major " + std::to_string(d->abi_major) +
             ", this ponte has " + std::to_string(PONTE_LEDGER_ABI_MAJOR) +
             ": rebuild it against this ponte's ponte/ledger.h";
    return nullptr;
  }
  if (d->abi_minor > PONTE_LEDGER_ABI_MINOR) {
    *error = who + " needs ledger ABI " + std::to_string(d->abi_major) + "." +
             std::to_string(d->abi_minor) + ", newer than this ponte's " + hostAbi() +
             ": upgrade ponte or use a build of the plugin for " + hostAbi();
    return nullptr;
  }
  // Minor 0 of this major ends with destroy(); later minors only append.
  constexpr std::size_t kMinimum = offsetof(ponte_ledger_plugin, destroy) + sizeof(d->destroy);
  if (d->struct_size < kMinimum) {
    *error = who + " has a descriptor of " + std::to_string(d->struct_size) +
             " bytes, shorter than the " + std::to_string(kMinimum) + " bytes of ledger ABI " +
             std::to_string(PONTE_LEDGER_ABI_MAJOR) + ".0: rebuild it against ponte/ledger.h";
    return nullptr;
  }
  if (d->name == nullptr || d->name[0] == '\0' || d->create == nullptr ||
      d->deliver == nullptr || d->destroy == nullptr) {
    *error = who + " has a descriptor without " +
             (d->name == nullptr || d->name[0] == '\0' ? "a name"
              : d->create == nullptr                   ? "create()"
              : d->deliver == nullptr                  ? "deliver()"
                                                       : "destroy()");
    return nullptr;
  }
  auto plugin = std::shared_ptr<LedgerPlugin>(new LedgerPlugin());
  plugin->handle_ = handle;
  plugin->descriptor_ = d;
  plugin->name_ = d->name;
  plugin->origin_ = origin;
  return plugin;
}

LedgerPlugin::~LedgerPlugin() {
  if (handle_ != nullptr) ::dlclose(handle_);
}

}  // namespace ponte::outbox
