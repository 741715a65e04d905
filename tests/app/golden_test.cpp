// The wire end to end, in memory: every tests/golden/<operation>/<case>.request.xml goes through
// the node endpoint (codec, operations, SQLite store with the demo positions, fake clock) and
// its response must equal <case>.response.xml byte for byte and validate against our XSD and
// the official pagoPA schemas. A <case>.setup.xml, when present, is sent first. In the
// fault-system-error cases the disk fails every fsync, as a dying disk would.
// PONTE_UPDATE_GOLDEN=1 writes the response files instead of comparing (review the diff).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <unistd.h>

#include "app/node_service.h"
#include "faulty_vfs.h"
#include "fixture.h"
#include "schema_check.h"

namespace fs = std::filesystem;
using namespace ponte;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What each fault-* case must be answered, by the part of its name after "fault-".
const std::map<std::string, std::string> kExpectedFaults = {
    {"id-dominio", "PAA_ID_DOMINIO_ERRATO"},
    {"qrcode-other-ec", "PAA_ID_DOMINIO_ERRATO"},
    {"id-intermediario", "PAA_ID_INTERMEDIARIO_ERRATO"},
    {"stazione", "PAA_STAZIONE_INT_ERRATA"},
    {"sconosciuto", "PAA_PAGAMENTO_SCONOSCIUTO"},
    {"check-digits", "PAA_PAGAMENTO_SCONOSCIUTO"},
    {"standin-probe", "PAA_PAGAMENTO_SCONOSCIUTO"},
    {"scaduto", "PAA_PAGAMENTO_SCADUTO"},
    {"annullato", "PAA_PAGAMENTO_ANNULLATO"},
    {"annullato-coercive", "PAA_PAGAMENTO_ANNULLATO"},
    {"duplicato", "PAA_PAGAMENTO_DUPLICATO"},
    {"semantica-stamp-needs-v2", "PAA_SEMANTICA"},
    {"semantica-unknown-service", "PAA_SEMANTICA"},
    {"semantica-amount-out-of-range", "PAA_SEMANTICA"},
    {"receipt-duplicata", "PAA_RECEIPT_DUPLICATA"},
    {"system-error", "PAA_SYSTEM_ERROR"},
};

std::string faultCodeIn(const std::string& response) {
  const auto start = response.find("<faultCode>");
  if (start == std::string::npos) return "";
  const auto end = response.find("</faultCode>", start);
  return response.substr(start + 11, end - start - 11);
}

class GoldenWorld {
 public:
  GoldenWorld() : log_(ops::LogLevel::kError, devnull()) {
    service_ = std::make_unique<app::NodeService>(*fixture_.operations,
                                                  app::NodeServiceOptions{"/", {}}, log_);
  }
  ~GoldenWorld() { ::close(log_fd_); }

  net::HttpResponse post(const std::string& action, std::string body) {
    net::HttpRequest request;
    request.method = "POST";
    request.target = "/";
    request.headers = {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"" + action + "\""}};
    request.body = std::move(body);
    std::promise<net::HttpResponse> done;
    service_->handle(std::move(request), [&](net::HttpResponse r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

 private:
  int devnull() {
    log_fd_ = ::open("/dev/null", O_WRONLY);
    return log_fd_;
  }
  int log_fd_ = -1;
  testing::Fixture fixture_;
  ops::Logger log_;
  std::unique_ptr<app::NodeService> service_;
};

}  // namespace

TEST_CASE("golden requests get their golden responses, valid against both schemas", "[app][golden]") {
  const fs::path golden = fs::path(PONTE_SOURCE_DIR) / "tests" / "golden";
  const bool update = std::getenv("PONTE_UPDATE_GOLDEN") != nullptr;
  int cases = 0;
  for (const auto& dir : fs::directory_iterator(golden)) {
    if (!dir.is_directory()) continue;
    const std::string action = dir.path().filename().string();
    for (const auto& file : fs::directory_iterator(dir.path())) {
      const std::string name = file.path().filename().string();
      const std::string suffix = ".request.xml";
      if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) continue;
      const std::string kase = name.substr(0, name.size() - suffix.size());
      INFO(action << "/" << kase);
      ++cases;
      GoldenWorld world;
      const fs::path setup = dir.path() / (kase + ".setup.xml");
      if (fs::exists(setup)) REQUIRE(world.post(action, read(setup)).status == 200);
      const bool failing_disk = kase == "fault-system-error";
      store::testing::FaultyVfs::failSyncs(failing_disk);
      const net::HttpResponse response = world.post(action, read(file.path()));
      store::testing::FaultyVfs::failSyncs(false);
      CHECK(response.status == 200);
      CHECK(response.content_type == "text/xml; charset=utf-8");
      soap::test::requireValidResponse(response.body);

      const bool ok = response.body.find("<outcome>OK</outcome>") != std::string::npos;
      if (kase.rfind("ok", 0) == 0) {
        CHECK(ok);
      } else if (kase.rfind("fault-", 0) == 0) {
        CHECK_FALSE(ok);
        auto expected = kExpectedFaults.find(kase.substr(6));
        REQUIRE(expected != kExpectedFaults.end());
        CHECK(faultCodeIn(response.body) == expected->second);
      } else {
        CHECK_FALSE(ok);
        CHECK(faultCodeIn(response.body) ==
              (kase == "bad-doctype" ? "PAA_SINTASSI_EXTRAXSD" : "PAA_SINTASSI_XSD"));
      }

      const fs::path expected_file = dir.path() / (kase + ".response.xml");
      if (update) {
        std::ofstream(expected_file, std::ios::binary) << response.body;
      } else {
        REQUIRE(fs::exists(expected_file));
        CHECK(response.body == read(expected_file));
      }
    }
  }
  CHECK(cases >= 80);
}
