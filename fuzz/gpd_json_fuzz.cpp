// Fuzz target: the import of debt positions, as the bulk route and `ponte positions import` read
// them: the input's format is sniffed (JSON array, NDJSON or CSV), each record is read and checked
// as a GPD PaymentPositionModel. A position that is accepted must be written back to GPD JSON and
// read again without an error; a record that is refused must say why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/bulk_input.h"
#include "api/gpd_json.h"

using namespace ponte;

namespace {

void checkPosition(const nlohmann::json& json) {
  api::GpdContext context;
  context.ec_fiscal_code = "80015010723";
  context.aux_digit = 3;
  context.default_company_name = "Comune di Valbruna";
  auto read = api::positionFromGpd(json, context);
  if (auto* errors = std::get_if<std::vector<api::FieldError>>(&read)) {
    if (errors->empty()) std::abort();
    for (const auto& e : *errors) {
      if (e.message.empty()) std::abort();
    }
    return;
  }
  const auto& position = std::get<core::DebtPosition>(read);
  context.accept_status = true;
  auto again = api::positionFromGpd(api::positionToGpd(position), context);
  if (!std::holds_alternative<core::DebtPosition>(again)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  const api::BulkFormat format = api::sniffFormat(in);
  auto reader = api::makeBulkReader(format, in, 64 * 1024);
  api::BulkRecord record;
  for (int records = 0; records < 1000 && reader->next(record); ++records) {
    if (record.first_line == 0 || record.last_line < record.first_line) std::abort();
    if (record.errors.empty()) checkPosition(record.position);
  }
  return 0;
}
