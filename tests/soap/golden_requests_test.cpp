// The request samples under tests/golden/<operation>/<case>.request.xml decode as their names
// say: ok* and fault-* cases decode (and validate against both schemas); bad-* cases are refused
// with the fault the end-to-end golden run (tests/app/golden_test.cpp) expects.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "samples.h"
#include "schema_check.h"
#include "soap/codec.h"

namespace ponte::soap {
namespace {

namespace fs = std::filesystem;

TEST_CASE("golden request files decode as their names say", "[unit]") {
  const fs::path golden = fs::path(PONTE_SOURCE_DIR) / "tests" / "golden";
  REQUIRE(fs::is_directory(golden));
  Codec codec;
  std::set<std::string> operations;
  for (const auto& dir : fs::directory_iterator(golden)) {
    if (!dir.is_directory()) continue;
    const std::string action = dir.path().filename().string();
    const auto op = core::operationFromName(action);
    INFO("directory " << action);
    REQUIRE(op);
    operations.insert(action);
    std::set<std::string> cases;
    for (const auto& file : fs::directory_iterator(dir.path())) {
      const std::string name = file.path().filename().string();
      const std::string suffix = ".request.xml";
      if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) {
        continue;
      }
      const std::string kase = name.substr(0, name.size() - suffix.size());
      cases.insert(kase);
      const std::string body = test::readFile(file.path());
      INFO("case " << kase);
      auto result = codec.decode(action, body);
      // ok-* and fault-* requests are valid on the wire; fault-* ones are refused by the EC.
      if (kase.rfind("ok", 0) == 0 || kase.rfind("fault-", 0) == 0) {
        if (auto* f = std::get_if<DecodeFailure>(&result)) FAIL_CHECK(f->fault.description);
        REQUIRE(std::holds_alternative<Decoded>(result));
        CHECK(std::get<Decoded>(result).op == *op);
        CHECK(test::validateBodyChild(body, test::ourSchema()).valid);
        if (auto official = test::officialFile("wsdl/xsd/paForNode.xsd")) {
          CHECK(test::validateBodyChild(body, *official).valid);
        }
        continue;
      }
      REQUIRE(kase.rfind("bad-", 0) == 0);
      REQUIRE(std::holds_alternative<DecodeFailure>(result));
      const DecodeFailure& f = std::get<DecodeFailure>(result);
      INFO(f.fault.description);
      CHECK(f.op == op);
      const bool dtd = kase == "bad-doctype";
      CHECK(f.fault.code ==
            (dtd ? core::FaultCode::kSintassiExtraXsd : core::FaultCode::kSintassiXsd));
      if (!dtd && kase != "bad-root-mismatch") test::checkOfficialRejects(body);
    }
    for (const char* required : {"ok", "bad-namespace", "bad-root-mismatch", "bad-doctype",
                                 "bad-missing-element", "bad-order"}) {
      CHECK(cases.count(required) == 1);
    }
    // Verify and demand requests carry no amount.
    if (*op != core::Operation::kVerify && *op != core::Operation::kDemand) {
      CHECK(cases.count("bad-amount") == 1);
    }
  }
  CHECK(operations.size() == 6);
}

}  // namespace
}  // namespace ponte::soap
