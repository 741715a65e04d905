// Health, readiness (the database, the outbox) and metrics for operators and their monitoring.
#include "app/admin_service.h"

#include "core/stand_in_probe.h"

namespace ponte::app {
namespace {

net::HttpResponse text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8") {
  net::HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

}  // namespace

void AdminService::handle(net::HttpRequest&& request, net::Reply reply) {
  const std::string_view path =
      std::string_view(request.target).substr(0, request.target.find('?'));
  if (request.method != "GET") return reply(text(405, "GET only\n"));
  if (path == "/healthz") return reply(text(200, "ok\n"));
  if (path == "/readyz") {
    // An indexed read of a notice no EC has: it proves the database answers, and costs nothing.
    auto probe = store_.findByNotice("-", std::string(core::kStandInProbeNotice));
    if (!probe) return reply(text(503, "not ready: the database does not answer\n"));
    if (check_) {
      const std::vector<std::string> problems = check_();
      if (!problems.empty()) {
        std::string body = "not ready:\n";
        for (const auto& p : problems) body += p + "\n";
        return reply(text(503, std::move(body)));
      }
    }
    return reply(text(200, "ready\n"));
  }
  if (path == "/metrics") {
    return reply(text(200, metrics_.render(), "text/plain; version=0.0.4; charset=utf-8"));
  }
  reply(text(404, "unknown path: try /healthz, /readyz or /metrics\n"));
}

}  // namespace ponte::app
