// Fuzz target: notice numbers. What parses is 18 digits that rebuild into the same number and
// whose IUV gives the number back; what the IUV layout rules refuse never parses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/notice_number.h"

using namespace ponte::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parseNoticeNumber(text);
  if (!parsed) return 0;
  if (text.size() != 18 || parsed->nav != text) std::abort();
  for (char c : text) {
    if (c < '0' || c > '9') std::abort();
  }
  const int aux = parsed->aux_digit;
  if (aux < 0 || aux > 3) std::abort();
  // The base is what lies between the aux digit (and code) and the check digits (none for aux 1).
  const std::size_t code_len = parsed->code.size();
  const std::size_t check_len = aux == 1 ? 0 : 2;
  const auto rebuilt =
      buildNoticeNumber(aux, parsed->code, text.substr(1 + code_len, 17 - code_len - check_len));
  if (!rebuilt || rebuilt->nav != parsed->nav || rebuilt->iuv != parsed->iuv) std::abort();
  const auto again = noticeFromIuv(aux, aux == 0 ? parsed->code : "", parsed->iuv);
  if (!again || *again != parsed->nav) std::abort();
  return 0;
}
