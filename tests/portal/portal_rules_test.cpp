// The portal's pure rules: cart states, and reading carts and fee queries field by field.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "portal/cart_request.h"
#include "portal/cart_state.h"
#include "portal/notice_check.h"
#include "portal/work_queue.h"

using namespace ponte;
using namespace ponte::portal;
using nlohmann::json;

namespace {

std::vector<std::string> paths(const std::vector<api::FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.path);
  return out;
}

template <class T>
std::vector<std::string> errorPaths(const std::variant<T, std::vector<api::FieldError>>& parsed) {
  REQUIRE(std::holds_alternative<std::vector<api::FieldError>>(parsed));
  return paths(std::get<1>(parsed));
}

json notice(const std::string& nav, const std::string& ec = "80015010723") {
  return {{"noticeNumber", nav}, {"fiscalCode", ec}};
}

}  // namespace

TEST_CASE("a cart is open, partly paid or paid from its notices", "[unit]") {
  using S = NoticeState;
  CHECK(cartStateOf({S::kOpen, S::kInProgress}) == CartState::kOpen);
  CHECK(cartStateOf({S::kPaid, S::kInProgress}) == CartState::kPartlyPaid);
  CHECK(cartStateOf({S::kPaid, S::kPaid}) == CartState::kPaid);
  CHECK(cartStateOf({}) == CartState::kOpen);
  CHECK(toString(CartState::kPartlyPaid) == "partly_paid");
  CHECK(toString(NoticeState::kInProgress) == "in_progress");
}

TEST_CASE("a cart request names each bad field with the notice's index", "[unit]") {
  json ok;
  ok["notices"] = json::array({notice("301000000000012373")});
  ok["email"] = "a@b.example";
  auto parsed = parseCartAsk(ok);
  REQUIRE(std::holds_alternative<CartAsk>(parsed));
  CHECK(std::get<CartAsk>(parsed).notices[0].fiscal_code == "80015010723");
  CHECK_FALSE(std::get<CartAsk>(parsed).return_urls.has_value());

  json bad_fields;
  bad_fields["notices"] = json::array(
      {notice("301000000000012373"), notice("12345"), notice("301000000000012373", "8001501072X")});
  CHECK(errorPaths(parseCartAsk(bad_fields)) ==
        std::vector<std::string>{"notices[1].noticeNumber", "notices[2].fiscalCode"});
  json six = {{"notices", json::array()}};
  for (int i = 0; i < 6; ++i)
    six["notices"].push_back(notice("30100000000001237" + std::to_string(i)));
  CHECK(errorPaths(parseCartAsk(six)) == std::vector<std::string>{"notices", "notices[5]"});
  json bad_extras;
  bad_extras["notices"] = json::array({notice("301000000000012373")});
  bad_extras["email"] = "not-an-address";
  bad_extras["returnUrls"] = {{"returnOkUrl", "javascript:alert(1)"}};
  bad_extras["colour"] = "red";
  const std::vector<std::string> extras_paths = {"colour", "email", "returnUrls.returnOkUrl",
                                                 "returnUrls.returnCancelUrl",
                                                 "returnUrls.returnErrorUrl"};
  CHECK(errorPaths(parseCartAsk(bad_extras)) == extras_paths);
  CHECK(errorPaths(parseCartAsk(json::array())) == std::vector<std::string>{""});
}

TEST_CASE("a fee query asks for exactly one of notices, a cart or an amount", "[unit]") {
  using Query = std::map<std::string, std::string, std::less<>>;
  Query single;
  single["noticeNumber"] = "301000000000012373";
  single["fiscalCode"] = "80015010723";
  single["touchpoint"] = "CHECKOUT";
  auto one = parseFeeQuery(single);
  REQUIRE(std::holds_alternative<FeeAsk>(one));
  CHECK(std::get<FeeAsk>(one).notices.size() == 1);
  CHECK(std::get<FeeAsk>(one).touchpoint == "CHECKOUT");
  Query by_amount;
  by_amount["amount"] = "1250";
  auto amount = parseFeeQuery(by_amount);
  REQUIRE(std::holds_alternative<FeeAsk>(amount));
  CHECK(*std::get<FeeAsk>(amount).amount == 1250);

  CHECK(errorPaths(parseFeeQuery(Query{})) == std::vector<std::string>{""});
  Query zero;
  zero["amount"] = "0";
  CHECK(errorPaths(parseFeeQuery(zero)) == std::vector<std::string>{"amount"});
  Query no_ec;
  no_ec["noticeNumber"] = "301000000000012373";
  CHECK(errorPaths(parseFeeQuery(no_ec)) == std::vector<std::string>{"fiscalCode"});
  Query bad_cart;
  bad_cart["cartId"] = "x";
  CHECK(errorPaths(parseFeeQuery(bad_cart)) == std::vector<std::string>{"cartId"});
  json two_subjects;
  two_subjects["amount"] = 100;
  two_subjects["cartId"] = std::string(32, 'a');
  CHECK(errorPaths(parseFeeAsk(two_subjects)) == std::vector<std::string>{""});
  json bad_touchpoint;
  bad_touchpoint["amount"] = 100;
  bad_touchpoint["touchpoint"] = "a b";
  CHECK(errorPaths(parseFeeAsk(bad_touchpoint)) == std::vector<std::string>{"touchpoint"});
  CHECK(isCartId("0123456789abcdef0123456789abcdef"));
  CHECK_FALSE(isCartId("0123456789ABCDEF0123456789abcdef"));
}

TEST_CASE("descriptions are cut to Checkout's 140 characters without splitting one", "[unit]") {
  const std::string accented = std::string(139, 'a') + "\xC3\xA8\xC3\xA8";  // ...èè
  CHECK(cutToChars(accented, 140) == std::string(139, 'a') + "\xC3\xA8");
  CHECK(cutToChars("short", 140) == "short");
}

TEST_CASE("the work queue refuses beyond its bound and runs every accepted job", "[unit]") {
  std::atomic<int> ran{0};
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  {
    WorkQueue queue(1, 2);
    std::promise<void> started;
    // The only worker is held, so the next two jobs wait and a fourth is refused.
    CHECK(queue.submit([&] {
      started.set_value();
      gate.wait();
      ++ran;
    }));
    started.get_future().wait();
    CHECK(queue.submit([&] { ++ran; }));
    CHECK(queue.submit([&] { ++ran; }));
    CHECK_FALSE(queue.submit([&] { ++ran; }));
    release.set_value();
  }  // the destructor runs what was accepted, then joins
  CHECK(ran == 3);

  {
    WorkQueue queue(1, 4);
    CHECK(queue.submit([] { throw std::runtime_error("a job that throws"); }));
    CHECK(queue.submit([&] { ++ran; }));  // the worker survived it
  }
  CHECK(ran == 4);
}
