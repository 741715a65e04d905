// check-config's file checks, on certificates and keys generated for each test.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "ops/check.h"
#include "test_files.h"

using namespace ponte::ops;
using ponte::ops::testing::TempDir;
using ponte::ops::testing::writeFile;
using ponte::ops::testing::writeSelfSigned;

namespace {

using Clock = std::chrono::system_clock;

// A fixed "now" (2030-01-01T00:00:00Z): certificates are dated around it, never around the
// wall clock.
constexpr std::time_t kNow = 1893456000;
constexpr std::time_t kDay = 86400;

// A directory with a valid certificate, key, CA and database directory, and a config naming
// them with paths relative to it.
struct Setup {
  TempDir dir;
  std::string extra_tls;  // lines appended to node_listener.tls

  Setup() {
    std::filesystem::create_directory(dir / "data");
    writeSelfSigned(dir / "server.pem", dir / "server.key", "ponte.example.it", kNow - kDay,
                    kNow + 365 * kDay);
    writeSelfSigned(dir / "ca.pem", dir / "ca.key", "Node CA", kNow - kDay, kNow + 3650 * kDay);
    ::chmod((dir / "server.key").c_str(), 0600);
  }

  Config config(const std::string& storage_path = "data/ponte.db",
                const std::string& time_zone = "Europe/Rome") const {
    const std::string text =
        "broker: { id: B }\n"
        "stations: [ { id: S1, primitive_version: 2, aux_digit: 3, segregation_code: \"01\" } ]\n"
        "creditor_institutions:\n"
        "  - { fiscal_code: \"80015010723\", name: C, station: S1,\n"
        "      iban: IT61X0306909606100000012345 }\n"
        "node_listener:\n"
        "  tls:\n"
        "    certificate: server.pem\n"
        "    private_key: server.key\n"
        "    client_ca: ca.pem\n"
        "    allowed_subjects: [\"CN=forwarder.platform.pagopa.it\"]\n" +
        extra_tls + "storage: { path: \"" + storage_path +
        "\" }\n"
        "time_zone: \"" +
        time_zone + "\"\n";
    ConfigResult r = parseConfigText(text, (dir / "ponte.yaml").string());
    if (!r.ok()) FAIL(r.errors.front().text());
    return *r.config;
  }
};

CheckReport check(const Config& config, std::time_t now = kNow) {
  return checkFilesAt(config, Clock::from_time_t(now));
}

// Whether one of the messages contains all the given fragments.
bool anyHas(const std::vector<std::string>& messages, std::initializer_list<std::string> parts) {
  return std::any_of(messages.begin(), messages.end(), [&](const std::string& m) {
    return std::all_of(parts.begin(), parts.end(),
                       [&](const std::string& p) { return m.find(p) != std::string::npos; });
  });
}

std::string dump(const CheckReport& r) {
  std::string out;
  for (const auto& e : r.errors) out += "error: " + e + "\n";
  for (const auto& w : r.warnings) out += "warning: " + w + "\n";
  return out;
}

// The tz database must be found for the checks to pass; tests do not depend on the machine's
// tzdata, they point TZDIR at a directory of their own.
struct FakeTzdir {
  TempDir dir;
  std::string saved;
  bool had = false;
  FakeTzdir() {
    if (const char* v = std::getenv("TZDIR")) {
      had = true;
      saved = v;
    }
    std::filesystem::create_directories(dir / "Europe");
    writeFile(dir / "Europe/Rome", "TZif");
    ::setenv("TZDIR", dir.path().c_str(), 1);
  }
  ~FakeTzdir() {
    if (had) {
      ::setenv("TZDIR", saved.c_str(), 1);
    } else {
      ::unsetenv("TZDIR");
    }
  }
};

}  // namespace

TEST_CASE("check-config passes on matching, valid files", "[unit]") {
  FakeTzdir tz;
  Setup s;
  const CheckReport r = check(s.config());
  INFO(dump(r));
  CHECK(r.ok());
  CHECK(r.errors.empty());
  CHECK(r.warnings.empty());
  // The probe file made in the database directory is gone.
  CHECK(std::filesystem::is_empty(s.dir / "data"));
}

TEST_CASE("check-config detects a key that does not match its certificate", "[unit]") {
  FakeTzdir tz;
  Setup s;
  writeSelfSigned(s.dir / "other.pem", s.dir / "server.key", "other", kNow - kDay,
                  kNow + 365 * kDay);
  ::chmod((s.dir / "server.key").c_str(), 0600);
  const CheckReport r = check(s.config());
  INFO(dump(r));
  REQUIRE(r.errors.size() == 1);
  CHECK(anyHas(r.errors, {"node_listener.tls.private_key", (s.dir / "server.key").string(),
                          "does not match the certificate", "CN=ponte.example.it"}));
}

TEST_CASE("check-config detects missing files", "[unit]") {
  FakeTzdir tz;
  Setup s;
  std::filesystem::remove(s.dir / "server.pem");
  std::filesystem::remove(s.dir / "ca.pem");
  const CheckReport r = check(s.config());
  INFO(dump(r));
  REQUIRE(r.errors.size() == 2);
  CHECK(anyHas(r.errors, {"node_listener.tls.certificate: cannot open",
                          (s.dir / "server.pem").string(), "No such file or directory"}));
  CHECK(
      anyHas(r.errors, {"node_listener.tls.client_ca: cannot open", (s.dir / "ca.pem").string()}));
}

TEST_CASE("check-config rejects files that are not PEM", "[unit]") {
  FakeTzdir tz;
  Setup s;
  writeFile(s.dir / "server.pem", "not a certificate\n");
  writeFile(s.dir / "server.key", "not a key\n");
  const CheckReport r = check(s.config());
  INFO(dump(r));
  CHECK(anyHas(r.errors, {"node_listener.tls.certificate", "holds no PEM certificate"}));
  CHECK(anyHas(r.errors, {"node_listener.tls.private_key", "holds no PEM private key"}));
}

TEST_CASE("check-config refuses an encrypted key and warns about a readable one", "[unit]") {
  FakeTzdir tz;
  Setup s;
  writeSelfSigned(s.dir / "server.pem", s.dir / "server.key", "ponte.example.it", kNow - kDay,
                  kNow + 365 * kDay, "secret passphrase");
  ::chmod((s.dir / "server.key").c_str(), 0644);
  const CheckReport r = check(s.config());
  INFO(dump(r));
  REQUIRE(r.errors.size() == 1);
  CHECK(anyHas(r.errors, {"node_listener.tls.private_key", "is encrypted"}));
  CHECK(anyHas(r.warnings, {"node_listener.tls.private_key", "chmod 600"}));
}

TEST_CASE("check-config: expired, not yet valid and soon expiring certificates", "[unit]") {
  FakeTzdir tz;
  Setup s;
  SECTION("expired") {
    writeSelfSigned(s.dir / "server.pem", s.dir / "server.key", "old", kNow - 400 * kDay,
                    kNow - kDay);
    ::chmod((s.dir / "server.key").c_str(), 0600);
    const CheckReport r = check(s.config());
    INFO(dump(r));
    REQUIRE(r.errors.size() == 1);
    CHECK(anyHas(r.errors, {"node_listener.tls.certificate", "CN=old", "expired on 2029-12-31"}));
  }
  SECTION("not yet valid") {
    const CheckReport r = check(s.config(), kNow - 2 * kDay);
    INFO(dump(r));
    CHECK(anyHas(r.errors, {"node_listener.tls.certificate", "is not valid before 2029-12-31"}));
  }
  SECTION("expiring in 10 days is a warning") {
    const CheckReport r = check(s.config(), kNow + 355 * kDay);
    INFO(dump(r));
    CHECK(r.ok());
    CHECK(anyHas(r.warnings, {"node_listener.tls.certificate", "in 10 days", "renew"}));
  }
  SECTION("an expired CA is an error when it is the only one") {
    writeSelfSigned(s.dir / "ca.pem", s.dir / "ca.key", "Old CA", kNow - 400 * kDay, kNow - kDay);
    const CheckReport r = check(s.config());
    INFO(dump(r));
    CHECK(anyHas(r.warnings, {"node_listener.tls.client_ca", "CN=Old CA", "expired"}));
    CHECK(anyHas(r.errors, {"node_listener.tls.client_ca", "has no certificate valid now"}));
  }
}

TEST_CASE("check-config warns when the node's certificate is not pinned", "[unit]") {
  FakeTzdir tz;
  Setup s;
  Config c = s.config();
  c.node_listener.tls.allowed_subjects.clear();
  const CheckReport r = check(c);
  INFO(dump(r));
  CHECK(r.ok());
  CHECK(anyHas(r.warnings, {"neither allowed_subjects nor allowed_fingerprints"}));
}

TEST_CASE("check-config checks the database directory", "[unit]") {
  FakeTzdir tz;
  Setup s;
  SECTION("missing directory") {
    const CheckReport r = check(s.config("nowhere/ponte.db"));
    INFO(dump(r));
    REQUIRE(r.errors.size() == 1);
    CHECK(anyHas(r.errors, {"storage.path", (s.dir / "nowhere").string(), "does not exist"}));
  }
  SECTION("the path is a directory") {
    std::filesystem::create_directory(s.dir / "data" / "ponte.db");
    const CheckReport r = check(s.config());
    INFO(dump(r));
    CHECK(anyHas(r.errors, {"storage.path", "is not a regular file"}));
  }
  if (::geteuid() != 0) {
    SECTION("read-only directory") {
      ::chmod((s.dir / "data").c_str(), 0500);
      const CheckReport r = check(s.config());
      ::chmod((s.dir / "data").c_str(), 0700);
      INFO(dump(r));
      CHECK(anyHas(r.errors, {"storage.path", "cannot create files in"}));
    }
  }
}

TEST_CASE("check-config checks the time zone exists", "[unit]") {
  FakeTzdir tz;
  Setup s;
  const CheckReport r = check(s.config("data/ponte.db", "Europe/Atlantis"));
  INFO(dump(r));
  REQUIRE(r.errors.size() == 1);
  CHECK(anyHas(r.errors, {"time_zone: Europe/Atlantis is not in", "tzdata"}));
}

TEST_CASE("checkFiles runs the same checks at the current time", "[unit]") {
  FakeTzdir tz;
  Setup s;
  std::filesystem::remove(s.dir / "ca.pem");
  const CheckReport r = checkFiles(s.config());
  CHECK(anyHas(r.errors, {"node_listener.tls.client_ca: cannot open"}));
}

TEST_CASE("check-config reads the portal's key files and the PSP catalogue", "[unit]") {
  Setup s;
  s.extra_tls =
      "checkout: { base_url: \"https://checkout.example/ec/v1\", subscription_key_file: "
      "checkout.key }\n"
      "fee_calculator: { base_url: \"https://calc.example/v2\", subscription_key_file: "
      "calc.key }\n"
      "psp_catalogue_file: catalogue.xml\n";
  const Config config = s.config();

  CheckReport missing = check(config);
  INFO(dump(missing));
  CHECK(anyHas(missing.errors, {"checkout.subscription_key_file", "is not a file"}));
  CHECK(anyHas(missing.errors, {"fee_calculator.subscription_key_file", "is not a file"}));
  CHECK(anyHas(missing.errors, {"psp_catalogue_file", "cannot read"}));
  // No EC has default return URLs: every cart must then bring its own.
  CHECK(anyHas(missing.warnings, {"return_urls is not set"}));

  writeFile(s.dir / "checkout.key", "\n");
  writeFile(s.dir / "calc.key", "k-123\n");
  ::chmod((s.dir / "checkout.key").c_str(), 0600);
  ::chmod((s.dir / "calc.key").c_str(), 0644);
  writeFile(s.dir / "catalogue.xml", "<?xml version=\"1.0\"?>\n<!-- c -->\n<positions/>\n");
  CheckReport wrong = check(config);
  INFO(dump(wrong));
  CHECK(anyHas(wrong.errors, {"checkout.subscription_key_file", "is empty"}));
  CHECK(anyHas(wrong.warnings, {"fee_calculator.subscription_key_file", "chmod 600"}));
  CHECK(anyHas(wrong.errors, {"psp_catalogue_file", "root element must be listaInformativePSP"}));

  writeFile(s.dir / "checkout.key", "k-456\n");
  ::chmod((s.dir / "calc.key").c_str(), 0600);
  writeFile(s.dir / "catalogue.xml",
            "<?xml version=\"1.0\"?>\n<!-- c -->\n<listaInformativePSP></listaInformativePSP>\n");
  CheckReport empty = check(config);
  INFO(dump(empty));
  CHECK(empty.ok());
  CHECK(anyHas(empty.warnings, {"psp_catalogue_file", "lists no channel"}));

  // A catalogue whose bands do not read is refused with the reason, as the portal would.
  writeFile(s.dir / "catalogue.xml", "<listaInformativePSP><informativaPSP>");
  CheckReport broken = check(config);
  INFO(dump(broken));
  CHECK(anyHas(broken.errors, {"psp_catalogue_file", "not well-formed XML"}));

  std::filesystem::copy_file(PONTE_OPS_TEST_DIR "/../upstream/catalogue-sample.xml",
                             s.dir / "catalogue.xml",
                             std::filesystem::copy_options::overwrite_existing);
  CheckReport good = check(config);
  INFO(dump(good));
  CHECK(good.ok());
  CHECK_FALSE(anyHas(good.warnings, {"psp_catalogue_file"}));
}
