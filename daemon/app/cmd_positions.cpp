// `ponte positions import|show`: stream GPD-model debt positions (JSON array, NDJSON or CSV)
// into an EC, and look one up.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/bulk_import.h"
#include "api/csv_positions.h"
#include "api/gpd_json.h"
#include "app/cli.h"
#include "app/directory_builder.h"

namespace ponte::app {
namespace {

constexpr const char* kUsage = R"(Usage:
  ponte positions import --ec FISCAL_CODE [--with-status] [--format FORMAT] [--batch N] FILE
  ponte positions show   --ec FISCAL_CODE (IUPD | --notice NOTICE_NUMBER)

import  reads FILE ("-" for standard input) as a stream of debt positions in GPD's
        PaymentPositionModel: a JSON array (a single object is accepted too), NDJSON (one object
        per line) or CSV (one line per transfer; see below). The format is --format, else the
        file's extension (.json, .ndjson or .jsonl, .csv), else guessed from its first byte.
        Each position is validated and the valid ones are stored in the EC in batches of N
        (default 1000, one durable commit each), so files of millions of positions load with
        little memory. A position with the same iupd is replaced, so loading the same file again
        changes nothing. Every rejected position is reported on stderr with its line and the
        field at fault; the others are still stored. Progress goes to stderr about once a
        second. Positions are published (VALID) unless --with-status is given, which honours
        their "status" fields (for data moved from another system).
show    prints one position of the EC as JSON, found by iupd or by one of its notice numbers.

CSV columns (a header line names them, in any order; ',' or ';' separates fields):
  iupd*, type*, fiscalCode*, fullName*, streetName, civicNumber, postalCode, city, province,
  country, email, phone, companyName, officeName, validityDate, switchToExpired, payStandIn,
  iuv*, nav, amount* (euro cents), description*, isPartialPayment, paymentPlanId, dueDate*,
  retentionDate, fee, idTransfer, transferAmount, organizationFiscalCode,
  remittanceInformation, category*, iban, postalIban, transferCompanyName
  (* required; iban or postalIban required). One line is one transfer: a position with more
  options or transfers takes consecutive lines with the same iupd (and iuv for one option).

Options:
  -c, --config FILE   configuration file (default: $PONTE_CONFIG, else /etc/ponte/ponte.yaml)
      --ec CODE       fiscal code of the creditor institution (must be in the configuration)
      --with-status   (import) keep the positions' and options' status fields
      --format F      (import) json, ndjson or csv
      --batch N       (import) positions per commit, 1..10000 (default 1000)
      --notice NAV    (show) the 18-digit notice number
  -h, --help          this help
)";

int import(const Args& args, const ops::Config& config, const Directory& directory,
           const std::string& ec) {
  if (args.positional().size() != 1) {
    std::cerr << "ponte positions import: give exactly one FILE\n\n" << kUsage;
    return kExitUsage;
  }
  const std::string& file = args.positional()[0];
  std::size_t batch = 1000;
  if (auto text = args.value("batch")) {
    char* end = nullptr;
    const long n = std::strtol(text->c_str(), &end, 10);
    if (end == text->c_str() || *end != '\0' || n < 1 || n > 10000) {
      std::cerr << "ponte positions import: --batch must be a number from 1 to 10000\n";
      return kExitUsage;
    }
    batch = static_cast<std::size_t>(n);
  }
  std::ifstream file_in;
  if (file != "-") {
    file_in.open(file, std::ios::binary);
    if (!file_in) {
      std::cerr << "ponte positions import: cannot read " << file << "\n";
      return kExitNoInput;
    }
  }
  std::istream& in = file == "-" ? std::cin : file_in;
  std::optional<api::BulkFormat> format;
  if (auto name = args.value("format")) {
    format = *name == "json"     ? std::optional(api::BulkFormat::kJsonArray)
             : *name == "ndjson" ? std::optional(api::BulkFormat::kNdjson)
             : *name == "csv"    ? std::optional(api::BulkFormat::kCsv)
                                 : std::nullopt;
    if (!format) {
      std::cerr << "ponte positions import: --format must be json, ndjson or csv\n";
      return kExitUsage;
    }
  }
  if (!format) format = api::formatFromFileName(file);
  if (!format) format = api::sniffFormat(in);
  auto store = openStore(config);
  if (!store) return kExitUnavailable;

  api::BulkOptions options;
  options.context = api::gpdContextFor(directory, ec);
  options.context.accept_status = args.has("with-status");
  options.batch = batch;
  auto last_progress = std::chrono::steady_clock::now();
  options.progress = [&](const api::BulkCounts& c) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_progress < std::chrono::seconds(1)) return;
    last_progress = now;
    std::cerr << "ponte positions import: " << c.records << " read, "
              << (c.created + c.updated + c.unchanged) << " stored, " << c.rejected
              << " rejected\n";
  };
  // A position is at most as large as the node's messages allow; a record beyond 1 MiB is
  // damaged input, reported and skipped.
  auto reader = api::makeBulkReader(*format, in, std::size_t{1} << 20);
  const api::BulkReport report =
      api::importPositions(*reader, *store, options, [&](const api::BulkRejection& r) {
        std::string where = file + ":" + std::to_string(r.first_line);
        if (r.last_line > r.first_line) where += "-" + std::to_string(r.last_line);
        if (!r.iupd.empty()) where += " iupd " + r.iupd;
        for (const auto& e : r.errors) {
          std::cerr << where << ": " << (e.path.empty() ? "" : e.path + ": ") << e.message << "\n";
        }
      });
  const api::BulkCounts& c = report.counts;
  if (!report.stopped.empty()) {
    std::cerr << "ponte positions import: stopped: " << report.stopped << "\n";
  }
  std::cout << "imported " << (c.created + c.updated + c.unchanged) << " positions into " << ec
            << " (" << c.created << " created, " << c.updated << " updated, " << c.unchanged
            << " unchanged), " << c.rejected << " rejected\n";
  if (report.store_unavailable) return kExitUnavailable;
  return c.rejected == 0 && report.stopped.empty() ? kExitOk : kExitData;
}

int show(const Args& args, const ops::Config& config, const std::string& ec) {
  auto store = openStore(config);
  if (!store) return kExitUnavailable;
  std::optional<core::DebtPosition> position;
  if (auto nav = args.value("notice")) {
    auto found = store->findByNotice(ec, *nav);
    if (!found) {
      std::cerr << "ponte positions show: " << found.error().message << "\n";
      return kExitUnavailable;
    }
    if (found.value()) position = std::move(found.value()->position);
  } else if (args.positional().size() == 1) {
    auto found = store->getPosition(ec, args.positional()[0]);
    if (!found) {
      std::cerr << "ponte positions show: " << found.error().message << "\n";
      return kExitUnavailable;
    }
    position = std::move(found.value());
  } else {
    std::cerr << "ponte positions show: give an IUPD or --notice NAV\n\n" << kUsage;
    return kExitUsage;
  }
  if (!position) {
    std::cerr << "ponte positions show: no such position in EC " << ec << "\n";
    return kExitData;
  }
  std::cout << api::positionToGpd(*position).dump(2) << "\n";
  return kExitOk;
}

}  // namespace

int cmdPositions(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "-h" || argv[0] == "--help") {
    std::cout << kUsage;
    return argv.empty() ? kExitUsage : kExitOk;
  }
  const std::string sub = argv[0];
  Args args({argv.begin() + 1, argv.end()}, {"config", "ec", "notice", "format", "batch"},
            {"with-status"});
  if (!args.error().empty()) {
    std::cerr << "ponte positions " << sub << ": " << args.error() << "\n\n" << kUsage;
    return kExitUsage;
  }
  if (args.has("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (sub != "import" && sub != "show") {
    std::cerr << "ponte positions: unknown subcommand '" << sub << "'\n\n" << kUsage;
    return kExitUsage;
  }
  auto ec = args.value("ec");
  if (!ec) {
    std::cerr << "ponte positions " << sub << ": --ec FISCAL_CODE is required\n";
    return kExitUsage;
  }
  auto config = loadConfig(configPath(args));
  if (!config) return kExitConfig;
  auto directory = buildDirectory(*config);
  if (!directory->ec(*ec)) {
    std::cerr << "ponte positions " << sub << ": EC " << *ec
              << " is not in the configuration (creditor_institutions)\n";
    return kExitUsage;
  }
  return sub == "import" ? import(args, *config, *directory, *ec) : show(args, *config, *ec);
}

}  // namespace ponte::app
