// `ponte positions import|show`: load GPD JSON debt positions into an EC, and look one up.
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/directory_builder.h"
#include "app/gpd_json.h"

namespace ponte::app {
namespace {

constexpr const char* kUsage = R"(Usage:
  ponte positions import --ec FISCAL_CODE [--with-status] FILE
  ponte positions show   --ec FISCAL_CODE (IUPD | --notice NOTICE_NUMBER)

import  reads FILE, a JSON array of debt positions in GPD's PaymentPositionModel (a single
        object is accepted too), validates each one and stores the valid ones in the EC. A position
        with the same iupd is replaced. Every rejected position is reported with the field at fault;
        the others are still stored. Positions are published (VALID) unless --with-status is given,
        which honours their "status" fields (for data moved from another system).
show    prints one position of the EC as JSON, found by iupd or by one of its notice numbers.

Options:
  -c, --config FILE   configuration file (default: $PONTE_CONFIG, else /etc/ponte/ponte.yaml)
      --ec CODE       fiscal code of the creditor institution (must be in the configuration)
      --with-status   (import) keep the positions' and options' status fields
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
  std::ifstream in(file);
  if (!in) {
    std::cerr << "ponte positions import: cannot read " << file << "\n";
    return kExitNoInput;
  }
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    std::cerr << "ponte positions import: " << file << " is not valid JSON\n";
    return kExitData;
  }
  if (doc.is_object()) doc = nlohmann::json::array({doc});
  if (!doc.is_array()) {
    std::cerr << "ponte positions import: " << file << " must hold a debt position or an array of them\n";
    return kExitData;
  }
  auto store = openStore(config);
  if (!store) return kExitUnavailable;

  GpdContext context = gpdContextFor(directory, ec);
  context.accept_status = args.has("with-status");
  std::size_t created = 0, updated = 0, unchanged = 0, rejected = 0;
  // Valid positions are committed in batches: one durable commit per batch, not per position.
  constexpr std::size_t kBatch = 1000;
  std::vector<core::DebtPosition> batch;
  std::vector<std::string> labels;  // where each batched position came from, for its errors
  auto flush = [&]() -> bool {
    auto results = store->upsertPositions(batch);
    for (std::size_t k = 0; k < results.size(); ++k) {
      if (!results[k]) {
        ++rejected;
        std::cerr << labels[k] << ": not stored: " << results[k].error().message << "\n";
        const auto kind = results[k].error().kind;
        if (kind == store::ErrorKind::kUnavailable || kind == store::ErrorKind::kFatal) return false;
        continue;
      }
      switch (results[k].value()) {
        case store::UpsertOutcome::kCreated: ++created; break;
        case store::UpsertOutcome::kUpdated: ++updated; break;
        case store::UpsertOutcome::kUnchanged: ++unchanged; break;
      }
    }
    batch.clear();
    labels.clear();
    return true;
  };
  for (std::size_t i = 0; i < doc.size(); ++i) {
    std::string label = file + ": [" + std::to_string(i) + "]";
    if (doc[i].is_object() && doc[i].contains("iupd") && doc[i]["iupd"].is_string()) {
      label += " iupd " + doc[i]["iupd"].get<std::string>();
    }
    auto parsed = positionFromGpd(doc[i], context);
    if (auto* errors = std::get_if<std::vector<FieldError>>(&parsed)) {
      ++rejected;
      for (const auto& e : *errors) {
        std::cerr << label << ": " << (e.path.empty() ? "" : e.path + ": ") << e.message << "\n";
      }
      continue;
    }
    batch.push_back(std::move(std::get<core::DebtPosition>(parsed)));
    labels.push_back(std::move(label));
    if (batch.size() == kBatch && !flush()) {
      std::cerr << "ponte positions import: stopped: the database is not available\n";
      return kExitUnavailable;
    }
  }
  if (!batch.empty() && !flush()) {
    std::cerr << "ponte positions import: stopped: the database is not available\n";
    return kExitUnavailable;
  }
  std::cout << "imported " << (created + updated + unchanged) << " positions into " << ec << " ("
            << created << " created, " << updated << " updated, " << unchanged << " unchanged), "
            << rejected << " rejected\n";
  return rejected == 0 ? kExitOk : kExitData;
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
  std::cout << positionToGpd(*position).dump(2) << "\n";
  return kExitOk;
}

}  // namespace

int cmdPositions(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "-h" || argv[0] == "--help") {
    std::cout << kUsage;
    return argv.empty() ? kExitUsage : kExitOk;
  }
  const std::string sub = argv[0];
  Args args({argv.begin() + 1, argv.end()}, {"config", "ec", "notice"}, {"with-status"});
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
