// The PAA_* faults an EC answers to the node, with their stable codes and standard strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ponte::core {

enum class FaultCode {
  kSintassiXsd,
  kSintassiExtraXsd,
  kIdDominioErrato,
  kIdIntermediarioErrato,
  kStazioneIntErrata,
  kPagamentoSconosciuto,
  kPagamentoDuplicato,
  kPagamentoInCorso,
  kPagamentoScaduto,
  kPagamentoAnnullato,
  kSemantica,
  kReceiptDuplicata,
  kSystemError,
};

// "PAA_SINTASSI_XSD", ...
std::string_view faultCodeName(FaultCode code);
// The standard faultString of the node's "Dominio EC" table, e.g. "Errore di sintassi XSD".
std::string_view faultString(FaultCode code);

// A fault answered to the node. description is short and factual: never SQL, paths or peers.
struct Fault {
  FaultCode code = FaultCode::kSystemError;
  std::string description;
  std::optional<int> serial;  // index of the list element at fault, when there is one
};

}  // namespace ponte::core
