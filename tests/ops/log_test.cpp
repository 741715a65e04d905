// The logger: line format, quoting, level filter, masking of personal data, whole lines under
// concurrent writers.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "ops/log.h"
#include "test_files.h"

using namespace ponte::ops;

namespace {

std::string readAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("an event is one line: priority, event name, key=value fields", "[unit]") {
  CHECK(formatLogLine(LogLevel::kInfo, "node.request",
                      {{"op", "paVerifyPaymentNotice"},
                       {"ec", std::string("80015010723")},
                       {"outcome", std::string_view("OK")},
                       {"ms", 0.4}}) ==
        "<6>node.request op=paVerifyPaymentNotice ec=80015010723 outcome=OK ms=0.4\n");
  CHECK(formatLogLine(LogLevel::kError, "store.failed", {}) == "<3>store.failed\n");
  CHECK(formatLogLine(LogLevel::kWarning, "x",
                      {{"n", 42}, {"big", 1234567890123LL}, {"u", 7u}, {"ok", true}}) ==
        "<4>x n=42 big=1234567890123 u=7 ok=true\n");
  CHECK(formatLogLine(LogLevel::kDebug, "x", {{"neg", -3}, {"d", 12.25}}) ==
        "<7>x neg=-3 d=12.25\n");
}

TEST_CASE("values that would break the line are quoted and escaped", "[unit]") {
  CHECK(formatLogLine(LogLevel::kInfo, "e", {{"reason", "bad request"}}) ==
        "<6>e reason=\"bad request\"\n");
  CHECK(formatLogLine(LogLevel::kInfo, "e", {{"v", ""}}) == "<6>e v=\"\"\n");
  CHECK(formatLogLine(LogLevel::kInfo, "e", {{"v", "a=b"}}) == "<6>e v=\"a=b\"\n");
  CHECK(formatLogLine(LogLevel::kInfo, "e", {{"v", "say \"hi\"\\"}}) ==
        "<6>e v=\"say \\\"hi\\\"\\\\\"\n");
  CHECK(formatLogLine(LogLevel::kInfo, "e", {{"v", "two\nlines\r\t\x01"}}) ==
        "<6>e v=\"two\\nlines\\r\\t\\x01\"\n");
  // UTF-8 text is kept as is.
  CHECK(formatLogLine(LogLevel::kInfo, "e", {{"city", "Forlì"}}) == "<6>e city=Forlì\n");
}

TEST_CASE("long values are cut on a character boundary", "[unit]") {
  std::string value;
  for (int i = 0; i < 1000; ++i) value += "\xC3\xA8";  // 2000 bytes of 'è'
  const std::string line = formatLogLine(LogLevel::kInfo, "e", {{"v", value}});
  const std::string prefix = "<6>e v=";
  REQUIRE(line.size() > prefix.size() + 4);
  const std::string kept = line.substr(prefix.size(), line.size() - prefix.size() - 4);
  CHECK(line.substr(line.size() - 4) == "...\n");
  CHECK(kept.size() == 1020);  // 510 whole characters fit in 1024 - 3 bytes
  CHECK(kept == value.substr(0, 1020));
}

TEST_CASE("personal data is masked below debug", "[unit]") {
  CHECK(maskPersonal("RSSMRA80A01H501U") == "RSS***********1U");
  CHECK(maskPersonal("Mario Rossi") == "Mar******si");
  CHECK(maskPersonal("Rossi") == "R****");
  CHECK(maskPersonal("Bo") == "**");
  CHECK(maskPersonal("") == "");
  CHECK(maskPersonal("Niccolò Sà") == "Nic*****Sà");

  Logger info(LogLevel::kInfo, -1);
  CHECK(info.personal("RSSMRA80A01H501U") == "RSS***********1U");
  Logger debug(LogLevel::kDebug, -1);
  CHECK(debug.personal("RSSMRA80A01H501U") == "RSSMRA80A01H501U");
}

TEST_CASE("log levels: names, priorities and the filter", "[unit]") {
  CHECK(parseLogLevel("warning") == LogLevel::kWarning);
  CHECK_FALSE(parseLogLevel("WARN").has_value());
  CHECK(toString(LogLevel::kDebug) == "debug");
  CHECK(journalPriority(LogLevel::kError) == 3);

  ponte::ops::testing::TempDir dir;
  const auto path = dir / "log";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  REQUIRE(fd >= 0);
  Logger log(LogLevel::kWarning, fd);
  CHECK_FALSE(log.enabled(LogLevel::kInfo));
  log.debug("a.debug");
  log.info("a.info", {{"x", 1}});
  log.warning("a.warning", {{"x", 2}});
  log.error("a.error");
  log.setLevel(LogLevel::kDebug);
  CHECK(log.level() == LogLevel::kDebug);
  log.debug("b.debug");
  ::close(fd);
  CHECK(readAll(path) == "<4>a.warning x=2\n<3>a.error\n<7>b.debug\n");
}

TEST_CASE("concurrent writers never interleave within a line", "[unit]") {
  ponte::ops::testing::TempDir dir;
  const auto path = dir / "log";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  REQUIRE(fd >= 0);
  Logger log(LogLevel::kInfo, fd);
  constexpr int kThreads = 4;
  constexpr int kLines = 500;
  const std::string payload(300, 'p');
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLines; ++i) log.info("t.line", {{"t", t}, {"i", i}, {"p", payload}});
    });
  }
  for (auto& th : threads) th.join();
  ::close(fd);

  std::ifstream in(path);
  std::vector<int> next(kThreads, 0);
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    ++count;
    int t = -1, i = -1;
    char p[400] = {};
    REQUIRE(std::sscanf(line.c_str(), "<6>t.line t=%d i=%d p=%399s", &t, &i, p) == 3);
    REQUIRE(t >= 0);
    REQUIRE(t < kThreads);
    CHECK(std::string(p) == payload);
    // Each thread's lines stay in its own order.
    CHECK(i == next[t]);
    next[t] = i + 1;
  }
  CHECK(count == kThreads * kLines);
}
