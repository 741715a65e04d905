// The back-office API as `serve` runs it: the API service and its own HTTPS listener, started
// from api_listener, reloaded with the rest of the configuration, stopped before the store. The
// portals' carts and fees (/ponte/v1/carts, /ponte/v1/fees) share the listener and its keys.
#pragma once

#include <memory>
#include <string>

#include "api/api_service.h"
#include "core/clock.h"
#include "net/https_server.h"
#include "ops/config.h"
#include "ops/log.h"
#include "portal/portal_service.h"
#include "store/store.h"

namespace ponte::app {

class ApiEndpoint {
 public:
  // store, clock and log must outlive the endpoint.
  ApiEndpoint(store::Store& store, const core::Clock& clock, ops::Logger& log);
  ~ApiEndpoint();  // stop()

  // Starts the listener when api_listener.enabled. A listener that cannot start (address in
  // use, bad certificate) is logged as api_listener.failed and left off: the node's payments
  // never depend on the back office. Returns "host:port", "off" or "failed". When the portal's
  // upstream settings cannot be read (a key file, the PSP catalogue) the listener still starts;
  // portal.disabled is logged and the portal's routes answer 503.
  std::string start(const ops::Config& config);

  // Checks what a reload would change (the listener's certificate, key and client CA); false,
  // with *error, when it could not be applied.
  bool checkReload(const ops::Config& config, std::string* error) const;
  // Applies a checked configuration: the ECs served, the keys and certificates admitted, the
  // listener's TLS files for new connections, the ECs' return URLs. The portal's upstream
  // settings (Checkout, fee calculator, catalogue) change only with a restart.
  void applyReload(const ops::Config& config);

  // Stops the listener (requests in flight are answered), then the service's threads.
  void stop();

 private:
  store::Store& store_;
  const core::Clock& clock_;
  ops::Logger& log_;
  std::unique_ptr<api::ApiService> service_;
  std::unique_ptr<portal::PortalService> portal_;
  std::unique_ptr<net::HttpsServer> server_;
};

// The listener options of api_listener (TLS, deadlines, the largest body the service takes).
net::ListenerOptions apiListenerOptions(const ops::Config& config, std::size_t max_body_bytes,
                                        ops::Logger& log);

}  // namespace ponte::app
