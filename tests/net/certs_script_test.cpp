// certs/make-dev-certs.sh: what it makes, that keys are private, that a second run changes
// nothing and that a broken set is made again.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

const char* const kNames[] = {"ca", "server", "node-client", "other-ca", "other-client"};

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "ponte-certs-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

int run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

std::string script() { return std::string("'") + PONTE_SOURCE_DIR + "/certs/make-dev-certs.sh'"; }

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("make-dev-certs.sh makes a verifiable set, once", "[e2e]") {
  TempDir dir;
  const std::string d = "'" + dir.path.string() + "'";
  REQUIRE(run(script() + " " + d) == 0);
  for (const char* name : kNames) {
    INFO(name);
    fs::path key = dir.path / (std::string(name) + ".key");
    REQUIRE(fs::exists(dir.path / (std::string(name) + ".crt")));
    REQUIRE(fs::exists(key));
    struct stat st {};
    REQUIRE(stat(key.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  CHECK(run("openssl verify -CAfile " + d + "/ca.crt " + d + "/server.crt " + d +
            "/node-client.crt") == 0);
  CHECK(run("openssl verify -CAfile " + d + "/other-ca.crt " + d + "/other-client.crt") == 0);
  CHECK(run("openssl verify -CAfile " + d + "/ca.crt " + d + "/other-client.crt") != 0);
  CHECK(run("openssl x509 -in " + d + "/server.crt -noout -ext subjectAltName | grep -q " +
            "'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1'") == 0);
  CHECK(run("openssl x509 -in " + d + "/node-client.crt -noout -ext extendedKeyUsage | grep -q " +
            "'Client Authentication'") == 0);
  CHECK(run("openssl pkey -in " + d + "/node-client.key -noout -text | grep -q 'prime256v1'") == 0);

  const std::string ca_before = slurp(dir.path / "ca.crt");
  const std::string server_before = slurp(dir.path / "server.crt");
  REQUIRE(run(script() + " " + d) == 0);
  CHECK(slurp(dir.path / "ca.crt") == ca_before);
  CHECK(slurp(dir.path / "server.crt") == server_before);

  // A certificate that no longer matches its key makes the whole set be made again.
  fs::copy_file(dir.path / "other-client.crt", dir.path / "server.crt",
                fs::copy_options::overwrite_existing);
  REQUIRE(run(script() + " " + d) == 0);
  CHECK(slurp(dir.path / "ca.crt") != ca_before);
  CHECK(run("openssl verify -CAfile " + d + "/ca.crt " + d + "/server.crt") == 0);

  CHECK(run(script()) != 0);  // no folder given
}
