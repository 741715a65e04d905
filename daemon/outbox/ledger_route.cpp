// A ledger route over the C ABI: instance lifetime, serialization and the host log callback.
#include "outbox/ledger_route.h"

namespace ponte::outbox {
namespace {

constexpr std::size_t kMessageBytes = 1024;

ponte_ledger_str str(const std::string& s) { return ponte_ledger_str{s.c_str(), s.size()}; }

}  // namespace

// An instance made by the plugin's create(), destroyed by its destroy() when the last delivery
// holding it returns.
struct LedgerRoute::Instance {
  std::shared_ptr<const LedgerPlugin> plugin;
  void* handle = nullptr;
  ~Instance() { plugin->descriptor().destroy(handle); }
};

LedgerRoute::LedgerRoute(std::string name, std::shared_ptr<const LedgerPlugin> plugin,
                         LedgerOptions options, ops::Logger& log)
    : name_(std::move(name)), plugin_(std::move(plugin)), options_(std::move(options)), log_(log) {}

std::unique_ptr<LedgerRoute> LedgerRoute::create(std::string name,
                                                 std::shared_ptr<const LedgerPlugin> plugin,
                                                 LedgerOptions options, ops::Logger& log,
                                                 std::string* error) {
  auto route = std::unique_ptr<LedgerRoute>(
      new LedgerRoute(std::move(name), std::move(plugin), std::move(options), log));
  route->instance_ = route->makeInstance(error);
  if (!route->instance_) return nullptr;
  return route;
}

LedgerRoute::~LedgerRoute() = default;

void LedgerRoute::hostLog(void* context, int level, const char* message) {
  const auto* route = static_cast<const LedgerRoute*>(context);
  const ops::LogLevel lv = level <= PONTE_LEDGER_LOG_ERROR     ? ops::LogLevel::kError
                           : level <= PONTE_LEDGER_LOG_WARNING ? ops::LogLevel::kWarning
                           : level <= PONTE_LEDGER_LOG_INFO    ? ops::LogLevel::kInfo
                                                               : ops::LogLevel::kDebug;
  route->log_.log(lv, "ledger.log",
                  {{"route", route->name_},
                   {"plugin", route->plugin_->name()},
                   {"message", message == nullptr ? "" : message}});
}

std::shared_ptr<LedgerRoute::Instance> LedgerRoute::makeInstance(std::string* error) {
  // Everything passed to create() lives on this stack frame: the ABI lends it for the call only.
  ponte_ledger_host host{};
  host.struct_size = sizeof host;
  host.abi_major = PONTE_LEDGER_ABI_MAJOR;
  host.abi_minor = PONTE_LEDGER_ABI_MINOR;
  host.host_context = this;
  host.log = &LedgerRoute::hostLog;
  std::vector<ponte_ledger_str> keys, values;
  for (const auto& [k, v] : options_) {
    keys.push_back(str(k));
    values.push_back(str(v));
  }
  ponte_ledger_config config{};
  config.struct_size = sizeof config;
  config.route_name = str(name_);
  config.option_keys = keys.data();
  config.option_values = values.data();
  config.option_count = keys.size();
  char why[kMessageBytes] = {0};
  void* handle = nullptr;
  {
    std::unique_lock serial(call_mutex_, std::defer_lock);
    if (!plugin_->threadSafe()) serial.lock();
    handle = plugin_->descriptor().create(&host, &config, why, sizeof why);
  }
  why[sizeof why - 1] = '\0';
  if (handle == nullptr) {
    *error = "ledger " + name_ + " (" + plugin_->origin() +
             "): cannot be set up: " + (why[0] ? why : "create() failed without a reason");
    return nullptr;
  }
  auto instance = std::make_shared<Instance>();
  instance->plugin = plugin_;
  instance->handle = handle;
  return instance;
}

LedgerResult LedgerRoute::deliver(const LedgerReceipt& receipt) {
  std::shared_ptr<Instance> instance;
  {
    std::lock_guard lock(mutex_);
    if (!instance_) return {PONTE_LEDGER_FATAL, "ledger disabled: " + reason_};
    instance = instance_;
  }
  char message[kMessageBytes] = {0};
  int32_t status = PONTE_LEDGER_RETRY;
  {
    std::unique_lock serial(call_mutex_, std::defer_lock);
    if (!plugin_->threadSafe()) serial.lock();
    status = plugin_->descriptor().deliver(instance->handle, &receipt.abi(), message,
                                           sizeof message);
  }
  message[sizeof message - 1] = '\0';
  switch (status) {
    case PONTE_LEDGER_OK:
      return {PONTE_LEDGER_OK, ""};
    case PONTE_LEDGER_RETRY:
    case PONTE_LEDGER_REJECT:
    case PONTE_LEDGER_FATAL:
      return {static_cast<ponte_ledger_status>(status),
              message[0] ? std::string(message) : "no reason given by the ledger"};
    default:
      return {PONTE_LEDGER_RETRY, "the ledger answered an unknown status " +
                                      std::to_string(status) + (message[0] ? ": " : "") + message};
  }
}

void LedgerRoute::disable(const std::string& reason) {
  std::shared_ptr<Instance> old;
  {
    std::lock_guard lock(mutex_);
    old = std::move(instance_);
    reason_ = reason.empty() ? "the ledger answered FATAL" : reason;
  }
  // `old` is released here; the instance goes when the last delivery using it returns.
}

bool LedgerRoute::disabled() const {
  std::lock_guard lock(mutex_);
  return !instance_;
}

std::string LedgerRoute::disabledReason() const {
  std::lock_guard lock(mutex_);
  return instance_ ? std::string() : reason_;
}

bool LedgerRoute::enable(std::string* error) {
  if (!disabled()) return true;
  auto fresh = makeInstance(error);
  if (!fresh) return false;
  std::lock_guard lock(mutex_);
  if (!instance_) {
    instance_ = std::move(fresh);
    reason_.clear();
  }
  return true;
}

}  // namespace ponte::outbox
