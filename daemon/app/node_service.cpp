// HTTP <-> SOAP <-> NodeOperations for the node listener.
#include "app/node_service.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "net/https_server.h"

namespace ponte::app {
namespace {

std::int64_t steadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

net::HttpResponse xmlResponse(int status, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.content_type = "text/xml; charset=utf-8";
  r.body = std::move(body);
  return r;
}

// The fault code of an answer, or "OK".
template <class T>
std::string_view outcomeOf(const core::Answer<T>& a) {
  if (auto* f = std::get_if<core::Fault>(&a)) return core::faultCodeName(f->code);
  return "OK";
}

std::string_view outcomeOf(const core::NodeAnswer& answer) {
  return std::visit([](const auto& a) { return outcomeOf(a); }, answer);
}

std::uint64_t nextInstance() {
  static std::atomic<std::uint64_t> last{0};
  return ++last;
}

}  // namespace

NodeService::NodeService(NodeOperations& operations, NodeServiceOptions options, ops::Logger& log,
                         NodeServiceSinks sinks)
    : operations_(operations),
      options_(std::move(options)),
      log_(log),
      sinks_(sinks),
      metrics_(sinks.metrics),
      instance_(nextInstance()) {
  if (metrics_) {
    metrics_->declare(
        "ponte_node_requests_total", ops::Metrics::Type::kCounter,
        "Requests of the pagoPA node by operation, EC and outcome (OK or the PAA_* fault).");
    metrics_->declare("ponte_node_request_duration_seconds", ops::Metrics::Type::kHistogram,
                      "Time from a decoded request to its answer, by operation.");
  }
}

soap::Codec& NodeService::codec() {
  // One codec per thread: gSOAP contexts are not thread-safe, and a per-thread one needs no lock.
  struct Slot {
    std::uint64_t owner = 0;
    std::unique_ptr<soap::Codec> codec;
  };
  thread_local Slot slot;
  if (slot.owner != instance_ || !slot.codec) {
    slot.codec = std::make_unique<soap::Codec>(options_.limits);
    slot.owner = instance_;
  }
  return *slot.codec;
}

void NodeService::shareReadsThisTurn() {
  // Opening and closing SQLite's read transaction (a lock on its shared memory, two system calls)
  // is as much as the lookup itself. Lookups handled in one turn of the loop share one: the
  // snapshot is renewed whenever this process commits, so a verify still sees a receipt answered
  // before it, and it ends at the end of the turn, so an idle loop holds none.
  thread_local store::Store* sharing = nullptr;
  store::Store& store = operations_.store();
  if (sharing == &store) return;
  if (!net::afterThisTurn([&store] {
        store.endSharedReads();
        sharing = nullptr;
      })) {
    return;  // not on an event loop (tests calling handle directly): a snapshot per read
  }
  store.beginSharedReads();
  sharing = &store;
}

void NodeService::answer(const net::Reply& reply, core::Operation op,
                         const core::NodeAnswer& answer, const Context& context) {
  std::string body = codec().encode(op, answer, context.fault_id);
  const std::int64_t elapsed_ns = steadyNs() - context.started_ns;
  const std::string& ec = context.ec;
  const std::string& notice = context.notice;
  if (sinks_.audit && sinks_.clock) {
    sinks_.audit->recordAudit({sinks_.clock->nowUnixMs(), std::string(core::operationName(op)), ec,
                               notice, std::string(outcomeOf(answer)), context.client_subject,
                               elapsed_ns / 1000});
  }
  if (metrics_) {
    // Only served ECs become label values: a caller cannot grow the series with made-up idPAs.
    const std::string_view ec_label =
        operations_.directory()->ec(ec) ? std::string_view(ec) : "other";
    count(op, ec_label, outcomeOf(answer), static_cast<double>(elapsed_ns) / 1e9);
  }
  if (log_.enabled(ops::LogLevel::kInfo)) {
    const double ms = static_cast<double>(elapsed_ns / 1000) / 1000.0;
    log_.info("node.request", {{"op", core::operationName(op)},
                               {"ec", ec},
                               {"notice", notice},
                               {"outcome", outcomeOf(answer)},
                               {"ms", ms}});
  }
  reply(xmlResponse(200, std::move(body)));
}

void NodeService::count(core::Operation op, std::string_view ec_label, std::string_view outcome,
                        double seconds) {
  // The series of each kind of answer this thread has given, resolved once: counting is then two
  // atomic additions, without rendering labels, looking them up or taking the registry's lock
  // (a shared lock still bounces between the event loops' cores). The kinds are few (operations
  // x served ECs x outcomes); past kMaxKinds the rest are counted through the registry.
  struct Kind {
    core::Operation op;
    std::string ec_label;
    std::string outcome;
    ops::Metrics::Counter requests;
    ops::Metrics::Histogram duration;
  };
  struct Cache {
    std::uint64_t owner = 0;
    std::vector<Kind> kinds;
  };
  constexpr std::size_t kMaxKinds = 64;
  thread_local Cache cache;
  if (cache.owner != instance_) cache = Cache{instance_, {}};
  for (const Kind& k : cache.kinds) {
    if (k.op == op && k.outcome == outcome && k.ec_label == ec_label) {
      k.requests.add();
      k.duration.observe(seconds);
      return;
    }
  }
  const std::string_view name = core::operationName(op);
  auto requests = metrics_->counter("ponte_node_requests_total",
                                    {{"op", name}, {"ec", ec_label}, {"outcome", outcome}});
  auto duration = metrics_->histogram("ponte_node_request_duration_seconds", {{"op", name}});
  requests.add();
  duration.observe(seconds);
  if (cache.kinds.size() < kMaxKinds) {
    cache.kinds.push_back(
        Kind{op, std::string(ec_label), std::string(outcome), requests, duration});
  }
}

void NodeService::handle(net::HttpRequest&& request, net::Reply reply) {
  const std::int64_t started = steadyNs();
  const std::string_view path =
      std::string_view(request.target).substr(0, request.target.find('?'));
  if (path != options_.soap_path) {
    net::HttpResponse r;
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "No SOAP endpoint at this path.\n";
    return reply(std::move(r));
  }
  if (request.method != "POST") {
    net::HttpResponse r;
    r.status = 405;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("Allow", "POST");
    r.body = "The SOAP endpoint accepts POST only.\n";
    return reply(std::move(r));
  }

  auto decoded = codec().decode(request.header("SOAPAction"), request.body);
  if (auto* failure = std::get_if<soap::DecodeFailure>(&decoded)) {
    log_.warning("node.bad_request", {{"peer", request.peer.address},
                                      {"soap_action", request.header("SOAPAction")},
                                      {"reason", failure->log_detail}});
    if (!failure->op) {
      return reply(xmlResponse(
          500, soap::Codec::encodeSoapFault("soap:Client", failure->fault.description)));
    }
    const std::string broker = operations_.directory()->broker_id;
    core::NodeAnswer answer;
    switch (*failure->op) {
      case core::Operation::kVerify:
        answer = core::Answer<core::VerifyResult>(failure->fault);
        break;
      case core::Operation::kGetPayment:
      case core::Operation::kGetPaymentV2:
        answer = core::Answer<core::PaymentData>(failure->fault);
        break;
      case core::Operation::kSendRt:
      case core::Operation::kSendRtV2:
        answer = core::Answer<core::SendRtResult>(failure->fault);
        break;
      case core::Operation::kDemand:
        answer = core::Answer<core::DemandResult>(failure->fault);
        break;
    }
    return this->answer(reply, *failure->op, answer,
                        {broker, "-", "-", request.peer.subject, started});
  }

  auto& d = std::get<soap::Decoded>(decoded);
  const core::Operation op = d.op;
  if (auto* verify = std::get_if<core::VerifyRequest>(&d.request)) {
    shareReadsThisTurn();
    auto result = operations_.verify(*verify);
    return answer(reply, op, result,
                  {operations_.faultId(verify->caller), verify->caller.id_pa,
                   verify->qr.notice_number, request.peer.subject, started});
  }
  if (auto* get = std::get_if<core::GetPaymentRequest>(&d.request)) {
    shareReadsThisTurn();
    auto result = operations_.getPayment(*get);
    return answer(reply, op, result,
                  {operations_.faultId(get->caller), get->caller.id_pa, get->qr.notice_number,
                   request.peer.subject, started});
  }
  if (auto* send = std::get_if<core::SendRtRequest>(&d.request)) {
    Context context{operations_.faultId(send->caller), send->caller.id_pa,
                    send->receipt.notice_number, request.peer.subject, started};
    operations_.sendRt(*send, std::move(request.body),
                       [this, reply, op, context](core::Answer<core::SendRtResult> result) {
                         answer(reply, op, result, context);
                       });
    return;
  }
  if (auto* demand = std::get_if<core::DemandRequest>(&d.request)) {
    Context context{operations_.faultId(demand->caller), demand->caller.id_pa, "-",
                    request.peer.subject, started};
    operations_.demand(*demand,
                       [this, reply, op, context](core::Answer<core::DemandResult> result) {
                         Context done = context;
                         if (auto* created = std::get_if<core::DemandResult>(&result))
                           done.notice = created->qr.notice_number;
                         answer(reply, op, result, done);
                       });
  }
}

}  // namespace ponte::app
