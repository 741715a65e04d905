// Connections as small state machines on Asio event loops: connect (and handshake), write a
// prepared request, read until the answer is complete, judge it, go again. A connection belongs
// to one event loop, so its state needs no lock; the run shares only a few atomics.
#include "load_generator.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <utility>  // before Asio, for C++20 with Boost 1.74

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "soap_requests.h"

namespace ponte::bench {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

enum Operation { kOpVerify, kOpGetV2, kOpSendRtV2, kOpCount };
constexpr std::array<const char*, kOpCount> kOperationNames = {"verify", "getv2", "sendrtv2"};

// What every connection reads, plus the few counters they share.
struct Run {
  const Options* options = nullptr;
  RequestContext context;
  std::vector<std::string> verify_requests;  // one per notice, built before the run
  std::vector<std::string> get_requests;
  std::vector<Notice> pay_notices;
  std::string receipt_prefix;
  int receipts_fd = -1;
  tcp::endpoint endpoint;
  ssl::context* tls = nullptr;

  Clock::time_point measure_from;
  std::atomic<Clock::rep> measure_until{Clock::time_point::max().time_since_epoch().count()};
  std::atomic<bool> stopping{false};
  std::atomic<long> issued{0};
  std::atomic<std::uint64_t> pay_cursor{0};
  std::atomic<std::uint64_t> receipt_counter{0};
  std::atomic<int> active{0};
  std::atomic<Clock::rep> last_answer{0};

  Clock::time_point measureUntil() const {
    return Clock::time_point(Clock::duration(measure_until.load(std::memory_order_relaxed)));
  }
};

struct ConnectionStats {
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::uint64_t connects = 0;
  std::map<std::string, std::uint64_t> errors;
  std::array<OperationResult, kOpCount> by_operation;
};

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// The framing of one HTTP/1.1 answer, from its head (status line and headers, without the
// blank line). False when it cannot be framed by Content-Length.
struct Head {
  int status = 0;
  std::size_t content_length = 0;
  bool close = false;
};
bool parseHead(std::string_view head, Head* out) {
  if (!startsWithNoCase(head, "http/1.") || head.size() < 12) return false;
  if (std::from_chars(head.data() + 9, head.data() + 12, out->status).ec != std::errc()) {
    return false;
  }
  bool framed = false;
  std::size_t at = head.find("\r\n");
  while (at != std::string_view::npos) {
    const std::size_t begin = at + 2;
    at = head.find("\r\n", begin);
    std::string_view line =
        head.substr(begin, at == std::string_view::npos ? head.npos : at - begin);
    if (startsWithNoCase(line, "content-length:")) {
      std::string_view v = line.substr(15);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      if (std::from_chars(v.data(), v.data() + v.size(), out->content_length).ec != std::errc()) {
        return false;
      }
      framed = true;
    } else if (startsWithNoCase(line, "connection:")) {
      out->close = line.find("close") != std::string_view::npos;
    } else if (startsWithNoCase(line, "transfer-encoding:")) {
      return false;
    }
  }
  return framed;
}

// "KO:PAA_PAGAMENTO_DUPLICATO" for a fault answer, "KO" when no faultCode is found.
std::string faultKind(std::string_view body) {
  const auto begin = body.find("<faultCode>");
  const auto end = body.find("</faultCode>");
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) return "KO";
  return "KO:" + std::string(body.substr(begin + 11, end - begin - 11));
}

template <bool kTls>
class Connection {
 public:
  using Stream = std::conditional_t<kTls, ssl::stream<tcp::socket>, tcp::socket>;

  Connection(asio::io_context& io, Run& run, int index, Clock::time_point first_due,
             Clock::duration interval)
      : io_(io),
        run_(run),
        index_(index),
        deadline_(io),
        pacer_(io),
        next_due_(first_due),
        interval_(interval),
        in_(16384) {
    if (!run_.verify_requests.empty()) {
      read_cursor_ = static_cast<std::size_t>(index) * run_.verify_requests.size() /
                     static_cast<std::size_t>(run_.options->connections);
    }
  }

  void start() {
    run_.active.fetch_add(1);
    asio::post(io_, [this] { connect(); });
  }

  const ConnectionStats& stats() const { return stats_; }

 private:
  void connect() {
    if (run_.stopping.load(std::memory_order_relaxed)) return finish();
    if constexpr (kTls) {
      stream_.emplace(io_, *run_.tls);
      SSL_set_tlsext_host_name(stream_->native_handle(), run_.options->server_name.c_str());
      stream_->set_verify_callback(ssl::host_name_verification(run_.options->server_name));
    } else {
      stream_.emplace(io_);
    }
    lowest().async_connect(run_.endpoint, [this](error_code ec) {
      if (ec) return retry("connect");
      lowest().set_option(tcp::no_delay(true), ec);
      if constexpr (kTls) {
        stream_->async_handshake(ssl::stream_base::client, [this](error_code ec) {
          if (ec) return retry("tls");
          ++stats_.connects;
          next();
        });
      } else {
        ++stats_.connects;
        next();
      }
    });
  }

  tcp::socket& lowest() {
    if constexpr (kTls) {
      return stream_->next_layer();
    } else {
      return *stream_;
    }
  }

  // Counts the error, drops the connection and opens a new one after a short pause (a server
  // that is down must not turn the client into a busy loop).
  void retry(const char* kind) {
    fail(kind);
    closeStream();
    if (run_.stopping.load(std::memory_order_relaxed)) return finish();
    pacer_.expires_after(std::chrono::milliseconds(50));
    pacer_.async_wait([this](error_code) { connect(); });
  }

  void fail(const std::string& kind) {
    ++stats_.failed;
    ++stats_.errors[kind];
  }

  void closeStream() {
    error_code ignored;
    if (stream_) lowest().close(ignored);
  }

  void finish() {
    closeStream();
    deadline_.cancel();
    pacer_.cancel();
    run_.active.fetch_sub(1);
  }

  // Picks and prepares the next request, waits for its due time in the open loop, sends it.
  void next() {
    const Options& o = *run_.options;
    if (run_.stopping.load(std::memory_order_relaxed)) return finish();
    if (o.requests > 0 && run_.issued.fetch_add(1) >= o.requests) return finish();
    Clock::time_point due = Clock::now();
    if (interval_.count() > 0) {
      due = next_due_;
      next_due_ += interval_;
      if (due >= run_.measureUntil()) return finish();
    }
    prepare();
    ++sequence_;
    if (due > Clock::now()) {
      pacer_.expires_at(due);
      pacer_.async_wait([this, due](error_code ec) {
        if (ec || run_.stopping.load(std::memory_order_relaxed)) return finish();
        send(due);
      });
    } else {
      send(due);
    }
  }

  void prepare() {
    const Options& o = *run_.options;
    switch (o.scenario) {
      case Scenario::kVerify:
        operation_ = kOpVerify;
        break;
      case Scenario::kGetV2:
        operation_ = kOpGetV2;
        break;
      case Scenario::kSendRtV2:
        operation_ = kOpSendRtV2;
        break;
      case Scenario::kMix: {
        // 3 : 2 : 1, shifted by connection so the connections do not move in step.
        const std::uint64_t slot = (sequence_ + static_cast<std::uint64_t>(index_)) % 6;
        operation_ = slot < 3 ? kOpVerify : slot < 5 ? kOpGetV2 : kOpSendRtV2;
        break;
      }
    }
    if (operation_ == kOpSendRtV2) {
      const std::uint64_t n = run_.receipt_counter.fetch_add(1, std::memory_order_relaxed);
      receipt_id_.assign(run_.receipt_prefix);
      char digits[24];
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
      receipt_id_.append(digits, end);
      const std::uint64_t k = run_.pay_cursor.fetch_add(1, std::memory_order_relaxed) +
                              static_cast<std::uint64_t>(o.pay_start);
      const Notice& notice = run_.pay_notices[k % run_.pay_notices.size()];
      renderSendRtV2(run_.context, notice, receipt_id_, o.transfers, &scratch_, &rendered_);
      request_ = &rendered_;
    } else {
      const auto& requests = operation_ == kOpVerify ? run_.verify_requests : run_.get_requests;
      request_ = &requests[read_cursor_++ % requests.size()];
    }
  }

  void send(Clock::time_point due) {
    sent_at_ = due;
    head_ = Head{};
    in_length_ = 0;
    head_length_ = 0;
    waiting_ = true;
    timed_out_ = false;
    const std::uint64_t generation = ++generation_;
    deadline_.expires_after(std::chrono::milliseconds(run_.options->timeout_ms));
    deadline_.async_wait([this, generation](error_code ec) {
      if (ec || generation != generation_ || !waiting_) return;
      timed_out_ = true;
      closeStream();  // the pending write or read completes with an error
    });
    asio::async_write(*stream_, asio::buffer(*request_), [this](error_code ec, std::size_t) {
      if (ec) return broken(ec);
      read();
    });
  }

  void read() {
    if (in_length_ == in_.size()) in_.resize(in_.size() * 2);  // only for unusually large answers
    stream_->async_read_some(asio::buffer(in_.data() + in_length_, in_.size() - in_length_),
                             [this](error_code ec, std::size_t n) {
                               if (ec) return broken(ec);
                               in_length_ += n;
                               if (!parse()) return;  // parse() went on to the next step
                               read();
                             });
  }

  // True when more bytes are needed.
  bool parse() {
    std::string_view data(in_.data(), in_length_);
    if (head_length_ == 0) {
      const auto end = data.find("\r\n\r\n");
      if (end == std::string_view::npos) return true;
      head_length_ = end + 4;
      if (!parseHead(data.substr(0, end), &head_)) {
        waiting_ = false;
        fail("http_framing");
        reconnect();
        return false;
      }
    }
    if (in_length_ < head_length_ + head_.content_length) return true;
    answered(data.substr(head_length_, head_.content_length));
    return false;
  }

  void broken(error_code ec) {
    waiting_ = false;
    if (timed_out_) {
      fail("timeout");
    } else if (ec == asio::error::eof || ec == ssl::error::stream_truncated) {
      fail("closed");
    } else {
      fail("io");
    }
    reconnect();
  }

  void reconnect() {
    deadline_.cancel();
    closeStream();
    connect();
  }

  void answered(std::string_view body) {
    waiting_ = false;
    deadline_.cancel();
    const Clock::time_point now = Clock::now();
    run_.last_answer.store(now.time_since_epoch().count(), std::memory_order_relaxed);
    if (head_.status != 200) {
      fail("http_" + std::to_string(head_.status));
    } else if (body.find("<outcome>OK</outcome>") == std::string_view::npos) {
      fail(faultKind(body));
    } else {
      if (operation_ == kOpSendRtV2 && run_.receipts_fd >= 0) writeReceiptId();
      if (sent_at_ >= run_.measure_from && sent_at_ < run_.measureUntil()) {
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(now - sent_at_).count();
        OperationResult& op = stats_.by_operation[operation_];
        ++op.ok;
        op.latency.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, micros)));
        ++stats_.ok;
      }
    }
    if (head_.close) return reconnect();
    next();
  }

  // One write(2) per receiptId, so the line is in the file the moment the OK is known, whatever
  // happens to either process afterwards; O_APPEND keeps lines of concurrent writers whole.
  void writeReceiptId() {
    line_.assign(receipt_id_);
    line_ += '\n';
    std::size_t done = 0;
    while (done < line_.size()) {
      const ssize_t n = ::write(run_.receipts_fd, line_.data() + done, line_.size() - done);
      if (n <= 0) {
        fail("receipts_out");
        return;
      }
      done += static_cast<std::size_t>(n);
    }
  }

  asio::io_context& io_;
  Run& run_;
  const int index_;
  std::optional<Stream> stream_;
  asio::steady_timer deadline_;  // bounds each request
  asio::steady_timer pacer_;     // open-loop due times and reconnect pauses
  Clock::time_point next_due_;
  const Clock::duration interval_;  // zero: closed loop

  std::uint64_t sequence_ = 0;
  std::uint64_t generation_ = 0;
  std::size_t read_cursor_ = 0;
  Operation operation_ = kOpVerify;
  const std::string* request_ = nullptr;
  std::string rendered_, scratch_, receipt_id_, line_;  // reused: no allocation once warm

  Clock::time_point sent_at_;
  bool waiting_ = false;
  bool timed_out_ = false;
  std::vector<char> in_;
  std::size_t in_length_ = 0;
  std::size_t head_length_ = 0;
  Head head_;

  ConnectionStats stats_;
};

std::string defaultReceiptPrefix() {
  // Unique per run: milliseconds since the epoch and the process id, in hex ("B18f3c2a1b0cP4d2-").
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char buf[48];
  std::snprintf(buf, sizeof buf, "B%llxP%x-", static_cast<unsigned long long>(ms),
                static_cast<unsigned>(getpid()));
  return buf;
}

bool setUpTls(const Options& o, ssl::context* tls, std::string* error) {
  error_code ec;
  tls->set_verify_mode(ssl::verify_peer, ec);
  if (!ec) tls->load_verify_file(o.certs_dir + "/ca.crt", ec);
  if (!ec) tls->use_certificate_chain_file(o.certs_dir + "/node-client.crt", ec);
  if (!ec) tls->use_private_key_file(o.certs_dir + "/node-client.key", ssl::context::pem, ec);
  if (ec) *error = "client certificates in " + o.certs_dir + ": " + ec.message();
  return !ec;
}

template <bool kTls>
void drive(Run& run, LoadResult* result) {
  const Options& o = *run.options;
  const int threads = std::min(o.threads, o.connections);
  std::vector<std::unique_ptr<asio::io_context>> loops;
  for (int t = 0; t < threads; ++t) loops.push_back(std::make_unique<asio::io_context>(1));

  const Clock::time_point start = Clock::now();
  run.measure_from = start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(o.warmup_seconds));
  // Open loop: each connection carries rate/connections requests per second, their due times
  // staggered so the total arrivals are evenly spaced.
  const Clock::duration interval = o.rate > 0
                                       ? std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(o.connections / o.rate))
                                       : Clock::duration::zero();
  std::vector<std::unique_ptr<Connection<kTls>>> connections;
  for (int c = 0; c < o.connections; ++c) {
    const Clock::time_point first_due = start + interval * c / o.connections;
    connections.push_back(std::make_unique<Connection<kTls>>(
        *loops[static_cast<std::size_t>(c % threads)], run, c, first_due, interval));
    connections.back()->start();
  }

  // The event loops inherit the blocked signals; only this thread takes them.
  std::vector<std::thread> workers;
  for (auto& loop : loops) workers.emplace_back([&loop] { loop->run(); });

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  const Clock::time_point end =
      o.requests > 0 ? Clock::time_point::max()
                     : run.measure_from + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(o.seconds));
  auto stop = [&run](Clock::time_point at) {
    run.measure_until.store(at.time_since_epoch().count());
    run.stopping.store(true);
  };
  while (run.active.load() > 0 && !run.stopping.load()) {
    const timespec tick{0, 5'000'000};
    if (sigtimedwait(&signals, nullptr, &tick) > 0) {
      result->interrupted = true;
      stop(Clock::now());
    } else if (Clock::now() >= end) {
      stop(end);
    }
  }
  // Requests in flight finish (each is bounded by its timeout); the loops then run out of work.
  const auto grace = std::chrono::milliseconds(o.timeout_ms) + std::chrono::seconds(1);
  const Clock::time_point give_up = Clock::now() + grace;
  while (run.active.load() > 0 && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  for (auto& loop : loops) loop->stop();
  for (auto& w : workers) w.join();

  const Clock::time_point until = o.requests > 0
                                      ? Clock::time_point(Clock::duration(run.last_answer.load()))
                                      : run.measureUntil();
  result->receipts_sent = run.receipt_counter.load();
  result->seconds = std::max(0.0, std::chrono::duration<double>(until - run.measure_from).count());
  for (const auto& c : connections) {
    const ConnectionStats& s = c->stats();
    result->ok += s.ok;
    result->failed += s.failed;
    result->connects += s.connects;
    for (const auto& [kind, n] : s.errors) result->errors[kind] += n;
    for (int op = 0; op < kOpCount; ++op) {
      const OperationResult& r = s.by_operation[static_cast<std::size_t>(op)];
      result->latency.merge(r.latency);
      if (r.ok == 0) continue;
      OperationResult& total = result->by_operation[kOperationNames[static_cast<std::size_t>(op)]];
      total.ok += r.ok;
      total.latency.merge(r.latency);
    }
  }
  // The connections' timers belong to the loops: destroy them first.
  connections.clear();
}

}  // namespace

bool runLoad(const Options& o, LoadResult* result, std::string* error) {
  Run run;
  run.options = &o;
  run.context = {o.host, o.path, o.broker, o.station};
  const Scenario s = o.scenario;
  if (s != Scenario::kSendRtV2) {
    std::vector<Notice> reads;
    if (!loadNotices(o.notices_file, &reads, error)) return false;
    // Enough distinct requests to spread reads over the table, bounded in memory.
    if (reads.size() > 50000) reads.resize(50000);
    for (const Notice& n : reads) {
      if (s == Scenario::kVerify || s == Scenario::kMix) {
        run.verify_requests.push_back(verifyRequest(run.context, n));
      }
      if (s == Scenario::kGetV2 || s == Scenario::kMix) {
        run.get_requests.push_back(getV2Request(run.context, n));
      }
    }
  }
  if (s == Scenario::kSendRtV2 || s == Scenario::kMix) {
    const std::string& file = o.pay_notices_file.empty() ? o.notices_file : o.pay_notices_file;
    if (!loadNotices(file, &run.pay_notices, error)) return false;
    run.receipt_prefix = o.receipt_prefix.empty() ? defaultReceiptPrefix() : o.receipt_prefix;
  }
  if (!o.receipts_out.empty()) {
    run.receipts_fd =
        ::open(o.receipts_out.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (run.receipts_fd < 0) {
      *error = "cannot open " + o.receipts_out + ": " + std::strerror(errno);
      return false;
    }
  }

  {
    asio::io_context resolver_loop;
    tcp::resolver resolver(resolver_loop);
    error_code ec;
    auto endpoints = resolver.resolve(o.host, std::to_string(o.port), ec);
    if (ec || endpoints.empty()) {
      *error = "cannot resolve " + o.host + ": " + ec.message();
      if (run.receipts_fd >= 0) ::close(run.receipts_fd);
      return false;
    }
    run.endpoint = endpoints.begin()->endpoint();
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  bool ok = true;
  if (o.plain) {
    drive<false>(run, result);
  } else {
    ssl::context tls(ssl::context::tls_client);
    ok = setUpTls(o, &tls, error);
    run.tls = &tls;
    if (ok) drive<true>(run, result);
  }
  if (run.receipts_fd >= 0) ::close(run.receipts_fd);
  return ok;
}

}  // namespace ponte::bench
