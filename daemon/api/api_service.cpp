// Routing, authentication and isolation of the back-office API.
#include "api/api_service.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <sstream>

#include "api/bulk_route.h"
#include "api/debt_positions.h"
#include "api/http_target.h"
#include "api/lifecycle.h"
#include "api/openapi_document.h"
#include "api/problem.h"
#include "api/receipts.h"
#include "api/spontaneous.h"
#include "api/statement.h"
#include "core/thread_name.h"

namespace ponte::api {
namespace {

using Handler = void (*)(ApiCall&, const Respond&);

constexpr std::string_view kEcParam = "organizationfiscalcode";

std::vector<std::string> splitPattern(std::string_view path) {
  std::vector<std::string> out;
  path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

bool isParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// A request id for the logs and the X-Request-Id header: the caller's when it sent a sane one.
std::string requestId(const net::HttpRequest& request) {
  std::string given = request.header("X-Request-Id");
  const bool sane = !given.empty() && given.size() <= 128 &&
                    std::all_of(given.begin(), given.end(),
                                [](unsigned char c) { return c > 0x20 && c < 0x7F; });
  if (sane) return given;
  static const std::uint64_t prefix = std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  std::ostringstream id;
  id << std::hex << (prefix & 0xffffffff) << '-' << counter.fetch_add(1) + 1;
  return id.str();
}

}  // namespace

struct ApiService::Route {
  Route(std::string_view m, std::string_view p, Handler h, bool b = false)
      : method(m), path(p), handler(h), bulk(b), segments(splitPattern(p)) {}
  std::string_view method;
  std::string_view path;
  Handler handler;
  bool bulk;  // runs on the bulk worker, takes a body up to max_bulk_bytes
  std::vector<std::string> segments;
};

const std::vector<ApiService::Route>& ApiService::table() {
  // Literal routes come before the ones that would take the same segment as a parameter
  // (".../debtpositions/bulk" before ".../debtpositions/{iupd}").
  static const std::vector<Route> routes = {
        {"GET", "/organizations/{organizationfiscalcode}/debtpositions", listPositionsRoute},
        {"POST", "/organizations/{organizationfiscalcode}/debtpositions", createPositionRoute},
        {"POST", "/organizations/{organizationfiscalcode}/debtpositions/bulk", bulkImportRoute,
         true},
        {"GET", "/organizations/{organizationfiscalcode}/debtpositions/{iupd}", getPositionRoute},
        {"PUT", "/organizations/{organizationfiscalcode}/debtpositions/{iupd}",
         updatePositionRoute},
        {"DELETE", "/organizations/{organizationfiscalcode}/debtpositions/{iupd}",
         deletePositionRoute},
        {"POST", "/organizations/{organizationfiscalcode}/debtpositions/{iupd}/publish",
         publishPositionRoute},
        {"POST", "/organizations/{organizationfiscalcode}/debtpositions/{iupd}/invalidate",
         invalidatePositionRoute},
        {"GET", "/payments/{organizationfiscalcode}/receipts", listReceiptsRoute},
        {"GET", "/payments/{organizationfiscalcode}/receipts/{iuv}", getReceiptXmlRoute},
        {"PUT",
         "/ponte/v1/organizations/{organizationfiscalcode}/debtpositions/{iupd}/paymentoptions/"
         "{iuv}/amount-schedule",
         putAmountScheduleRoute},
        {"PUT",
         "/ponte/v1/organizations/{organizationfiscalcode}/debtpositions/{iupd}/"
         "coercive-collection",
         putCoerciveCollectionRoute},
        {"DELETE",
         "/ponte/v1/organizations/{organizationfiscalcode}/debtpositions/{iupd}/"
         "coercive-collection",
         deleteCoerciveCollectionRoute},
        {"GET", "/ponte/v1/organizations/{organizationfiscalcode}/debtpositions/{iupd}/payability",
         payabilityRoute},
        {"GET", "/ponte/v1/organizations/{organizationfiscalcode}/debtors/{fiscalCode}/statement",
         statementRoute},
        {"GET", "/ponte/v1/organizations/{organizationfiscalcode}/receipts/{iuv}",
         getReceiptDetailRoute},
        {"POST", "/ponte/v1/organizations/{organizationfiscalcode}/spontaneous-payments",
         createSpontaneousRoute},
  };
  return routes;
}

std::vector<ApiService::RouteInfo> ApiService::routes() {
  std::vector<RouteInfo> out = {{"GET", "/openapi.json"}};
  for (const auto& r : table()) out.push_back({r.method, r.path});
  return out;
}

std::string_view ApiService::openApiDocument() { return kOpenApiDocument; }

ApiService::ApiService(std::shared_ptr<const core::Directory> directory,
                       std::shared_ptr<const AccessTable> access, store::Store& store,
                       const core::Clock& clock, ApiServiceOptions options, ops::Logger* log)
    : directory_(std::move(directory)),
      access_(std::move(access)),
      store_(store),
      clock_(clock),
      options_(options),
      log_(log) {
  bulk_thread_ = std::thread([this] {
    core::nameThisThread("ponte-bulk");
    bulkLoop();
  });
  if (options_.promote_every.count() > 0) {
    lifecycle_thread_ = std::thread([this] {
      core::nameThisThread("ponte-lifecycle");
      lifecycleLoop();
    });
  }
}

ApiService::~ApiService() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  bulk_thread_.join();
  if (lifecycle_thread_.joinable()) lifecycle_thread_.join();
}

void ApiService::setDirectory(std::shared_ptr<const core::Directory> directory) {
  std::atomic_store(&directory_, std::move(directory));
}
void ApiService::setAccess(std::shared_ptr<const AccessTable> access) {
  std::atomic_store(&access_, std::move(access));
}
std::shared_ptr<const core::Directory> ApiService::directory() const {
  return std::atomic_load(&directory_);
}
std::shared_ptr<const AccessTable> ApiService::access() const {
  return std::atomic_load(&access_);
}

std::size_t ApiService::maxBodyBytes() const {
  return std::max(options_.limits.max_body_bytes, options_.limits.max_bulk_bytes);
}

bool ApiService::submitBulk(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (bulk_busy_ || stopping_) return false;
    bulk_busy_ = true;
    bulk_job_ = std::move(job);
  }
  wake_.notify_all();
  return true;
}

void ApiService::bulkLoop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || bulk_job_; });
    if (!bulk_job_) return;  // stopping with nothing queued
    auto job = std::move(bulk_job_);
    bulk_job_ = nullptr;
    lock.unlock();
    job();  // its answer marks the worker free (see handle), so a client may send the next
    lock.lock();
  }
}

void ApiService::lifecycleLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    promoteDuePositions();
    lock.lock();
    wake_.wait_for(lock, options_.promote_every, [this] { return stopping_; });
  }
}

std::size_t ApiService::promoteDuePositions() {
  store::Error error;
  error.kind = store::ErrorKind::kNotFound;
  const std::size_t moved =
      promotePublished(store_, *directory(), core::romeDate(clock_.nowUnixMs()), &error);
  if (log_ && error.kind != store::ErrorKind::kNotFound) {
    log_->warning("api.promote_failed", {{"detail", error.message}});
  }
  if (log_ && moved > 0) log_->info("api.positions_valid", {{"positions", moved}});
  return moved;
}

void ApiService::handle(net::HttpRequest&& request, net::Reply reply) {
  const auto started = std::chrono::steady_clock::now();
  const std::string id = requestId(request);
  auto log_state = std::make_shared<std::pair<std::string, std::string>>();  // route, caller
  Respond respond = [reply = std::move(reply), id, started, log_state, this,
                     method = request.method](net::HttpResponse response) {
    response.headers.emplace_back("X-Request-Id", id);
    if (log_) {
      const double ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - started)
                            .count();
      log_->log(response.status >= 500 ? ops::LogLevel::kWarning : ops::LogLevel::kInfo,
                "api.request",
                {{"method", method},
                 {"route", log_state->first},
                 {"status", response.status},
                 {"caller", log_state->second},
                 {"request_id", id},
                 {"ms", std::round(ms * 10) / 10}});
    }
    reply(std::move(response));
  };

  auto target = parseTarget(request.target);
  if (!target) return respond(problemResponse(400, "the request target is malformed"));
  if (target->segments == std::vector<std::string>{"openapi.json"}) {
    log_state->first = "/openapi.json";
    if (request.method != "GET") {
      net::HttpResponse r = problemResponse(405, "use GET");
      r.headers.emplace_back("Allow", "GET");
      return respond(std::move(r));
    }
    net::HttpResponse r;
    r.content_type = "application/json";
    r.body = std::string(openApiDocument());
    return respond(std::move(r));
  }

  const auto access_now = access();
  auto caller = access_now->authenticate(request);
  if (!caller) {
    net::HttpResponse r = problemResponse(
        401, "send a valid key in Ocp-Apim-Subscription-Key or Authorization: Bearer");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ponte\"");
    return respond(std::move(r));
  }
  log_state->second = caller->name;

  // The route: the path's shape first, then the method.
  const Route* route = nullptr;
  std::string allowed;
  std::map<std::string, std::string, std::less<>> params;
  for (const auto& r : table()) {
    if (r.segments.size() != target->segments.size()) continue;
    std::map<std::string, std::string, std::less<>> bound;
    bool match = true;
    for (std::size_t i = 0; i < r.segments.size() && match; ++i) {
      if (isParam(r.segments[i])) {
        if (target->segments[i].empty()) match = false;
        bound[r.segments[i].substr(1, r.segments[i].size() - 2)] = target->segments[i];
      } else {
        match = r.segments[i] == target->segments[i];
      }
    }
    if (!match) continue;
    if (r.method != request.method) {
      if (allowed.find(r.method) == std::string::npos) {
        allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
      }
      continue;
    }
    route = &r;
    params = std::move(bound);
    break;
  }
  if (!route && !allowed.empty()) {
    net::HttpResponse r = problemResponse(405, "this path accepts " + allowed);
    r.headers.emplace_back("Allow", allowed);
    return respond(std::move(r));
  }
  if (!route) return respond(notFound());
  log_state->first = std::string(route->path);

  // Isolation: an EC the caller may not act for, or one not served, is answered exactly as a
  // missing resource, before anything of the request is read.
  auto directory_now = directory();
  const std::string ec = params[std::string(kEcParam)];
  if (!caller->mayActFor(ec) || !directory_now->ec(ec)) return respond(notFound());
  params.erase(std::string(kEcParam));

  const std::uint64_t body_size =
      request.body_file ? request.body_file->size : request.body.size();
  if (!route->bulk && body_size > options_.limits.max_body_bytes) {
    return respond(problemResponse(413, "the body is larger than " +
                                            std::to_string(options_.limits.max_body_bytes) +
                                            " bytes"));
  }
  const std::int64_t now = clock_.nowUnixMs();
  Respond answer = respond;
  if (route->bulk) {
    // The worker is free again as soon as the import is answered: a client that sends its next
    // import on receiving the answer must not be told that one is still running.
    answer = [this, respond](net::HttpResponse response) {
      {
        std::lock_guard lock(mutex_);
        bulk_busy_ = false;
      }
      respond(std::move(response));
    };
  }
  auto held = std::make_shared<net::HttpRequest>(std::move(request));
  auto run = [this, held, route, params = std::move(params), query = std::move(target->query),
              directory_now, ec, now, answer]() mutable {
    ApiCall call{store_,  directory_now,    options_.limits, ec, std::move(params),
                 std::move(query), *held, now,             core::romeDate(now)};
    route->handler(call, answer);
  };
  if (!route->bulk) return run();
  if (!submitBulk(std::move(run))) {
    net::HttpResponse r = problemResponse(429, "a bulk import is running: send this one when it ends");
    r.headers.emplace_back("Retry-After", "10");
    return respond(std::move(r));
  }
}

}  // namespace ponte::api
