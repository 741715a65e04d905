// Starting, reloading and stopping the back-office API listener.
#include "app/api_endpoint.h"

#include "app/directory_builder.h"
#include "net/tls_context.h"

namespace ponte::app {

net::ListenerOptions apiListenerOptions(const ops::Config& config, std::size_t max_body_bytes,
                                        ops::Logger& log) {
  const auto& l = config.api_listener;
  net::ListenerOptions o;
  o.thread_name = "ponte-api";
  o.address = l.address;
  o.port = l.port;
  net::TlsOptions tls;
  tls.certificate_file = l.tls.certificate;
  tls.private_key_file = l.tls.private_key;
  tls.client_ca_file = l.tls.client_ca;
  tls.require_client_certificate = l.tls.require_client_certificate;
  o.tls = std::move(tls);
  o.handshake_ms = static_cast<int>(l.timeouts.handshake.count());
  o.read_header_ms = static_cast<int>(l.timeouts.read_header.count());
  o.read_body_ms = static_cast<int>(l.timeouts.read_body.count());
  o.write_ms = static_cast<int>(l.timeouts.write.count());
  o.idle_ms = static_cast<int>(l.timeouts.idle.count());
  o.max_body_bytes = max_body_bytes;
  // The API updates with PUT and deletes with DELETE; PATCH reaches it so it can answer its own
  // 405 with the methods the path takes.
  o.methods = {"GET", "POST", "PUT", "DELETE", "PATCH"};
  // Only a bulk import may be larger than limits.max_body_bytes: such a body goes to a temporary
  // file and is read from there as a stream, so a large import never sits in memory.
  o.spool_body_over = config.api_listener.limits.max_body_bytes;
  o.log = [&log](int level, std::string_view event, std::string_view detail) {
    const ops::LogLevel lv = level <= net::kLogError     ? ops::LogLevel::kError
                             : level <= net::kLogWarning ? ops::LogLevel::kWarning
                             : level <= net::kLogInfo    ? ops::LogLevel::kInfo
                                                         : ops::LogLevel::kDebug;
    log.log(lv, event, {{"listener", "api"}, {"detail", detail}});
  };
  return o;
}

ApiEndpoint::ApiEndpoint(store::Store& store, const core::Clock& clock, ops::Logger& log)
    : store_(store), clock_(clock), log_(log) {}

ApiEndpoint::~ApiEndpoint() { stop(); }

std::string ApiEndpoint::start(const ops::Config& config) {
  if (!config.api_listener.enabled) return "off";
  api::ApiServiceOptions options;
  options.limits = config.api_listener.limits;
  service_ = std::make_unique<api::ApiService>(buildDirectory(config),
                                               api::AccessTable::fromConfig(config), store_,
                                               clock_, options, &log_);
  auto portal_options = portal::portalOptions(config);
  if (auto* problem = std::get_if<std::string>(&portal_options)) {
    log_.error("portal.disabled",
               {{"detail", *problem},
                {"action", "carts and fees answer 503 until this is fixed and ponte restarted"}});
    portal_options = portal::PortalOptions{};
  }
  portal_ = std::make_unique<portal::PortalService>(
      buildDirectory(config), api::AccessTable::fromConfig(config), portal::returnUrlsOf(config),
      store_, clock_, std::get<portal::PortalOptions>(std::move(portal_options)), &log_);
  std::string error;
  api::ApiService* service = service_.get();
  portal::PortalService* portal = portal_.get();
  server_ = net::HttpsServer::start(
      apiListenerOptions(config, service->maxBodyBytes(), log_),
      [service, portal](net::HttpRequest&& request, net::Reply reply) {
        if (portal::PortalService::handles(request.target)) {
          portal->handle(std::move(request), std::move(reply));
        } else {
          service->handle(std::move(request), std::move(reply));
        }
      },
      config.api_listener.threads, &error);
  if (!server_) {
    log_.error("api_listener.failed",
               {{"detail", error},
                {"action", "the node listener runs without the back-office API; fix "
                           "api_listener and restart"}});
    portal_.reset();
    service_.reset();
    return "failed";
  }
  return config.api_listener.address + ":" + std::to_string(server_->port());
}

bool ApiEndpoint::checkReload(const ops::Config& config, std::string* error) const {
  if (!server_ || !config.api_listener.enabled) return true;
  return net::checkTlsOptions(*apiListenerOptions(config, 0, log_).tls, error);
}

void ApiEndpoint::applyReload(const ops::Config& config) {
  if (!service_) return;
  service_->setDirectory(buildDirectory(config));
  service_->setAccess(api::AccessTable::fromConfig(config));
  if (portal_) {
    portal_->reload(buildDirectory(config), api::AccessTable::fromConfig(config),
                    portal::returnUrlsOf(config));
  }
  std::string error;
  if (config.api_listener.enabled &&
      !server_->reloadTls(*apiListenerOptions(config, 0, log_).tls, &error)) {
    log_.error("config.reload_refused", {{"listener", "api"}, {"error", error}});
  }
}

void ApiEndpoint::stop() {
  if (server_) server_->stop();
  server_.reset();
  portal_.reset();
  service_.reset();
}

}  // namespace ponte::app
