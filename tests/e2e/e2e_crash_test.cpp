// Nothing acknowledged is lost: a receipt answered OK is in the store after the process is
// killed with SIGKILL right after the answer.
#include <catch2/catch.hpp>

#include <signal.h>

#include "db_snapshot.h"
#include "ponte_process.h"

using namespace ponte;
using namespace ponte::e2e;

namespace {

std::string withReceiptId(std::string body, const std::string& id) {
  const std::string open = "<receiptId>";
  const auto start = body.find(open) + open.size();
  return body.replace(start, body.find("</receiptId>") - start, id);
}

}  // namespace

TEST_CASE("a receipt answered OK survives SIGKILL right after the answer", "[e2e]") {
  PonteProcess ponte;
  for (int round = 0; round < 3; ++round) {
    ponte.start();
    auto client = test::TlsClient::connect(ponte.nodeClient());
    REQUIRE(client);
    const std::string id = "crash-round-" + std::to_string(round);
    auto r = postSoap(*client, "paSendRTV2", withReceiptId(goldenRequest("paSendRTV2", "ok"), id));
    REQUIRE(r);
    REQUIRE(r->body.find("<outcome>OK</outcome>") != std::string::npos);
    CHECK(ponte.stop(SIGKILL) == 128 + SIGKILL);
    CHECK(receiptCount(ponte.database(), "80015010723", id) == 1);
  }
  // After restart the notice is paid, and the receipts are listed.
  ponte.start();
  auto client = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(client);
  auto verify = postSoap(*client, "paVerifyPaymentNotice", goldenRequest("paVerifyPaymentNotice", "ok"));
  REQUIRE(verify);
  CHECK(verify->body.find("PAA_PAGAMENTO_DUPLICATO") != std::string::npos);
  std::string out;
  CHECK(ponte.runCli({"receipts", "list", "--ec", "80015010723", "--from", "2000-01-01", "--to", "2100-01-01"}, &out) == 0);
  CHECK(out.find("crash-round-2") != std::string::npos);
  CHECK(out.find("3 receipts") != std::string::npos);
  CHECK(ponte.stop(SIGTERM) == 0);
}
