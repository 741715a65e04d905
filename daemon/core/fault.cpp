// Names and standard strings of the PAA_* faults (the node's "Dominio EC" table).
#include "core/fault.h"

namespace ponte::core {

std::string_view faultCodeName(FaultCode code) {
  switch (code) {
    case FaultCode::kSintassiXsd:
      return "PAA_SINTASSI_XSD";
    case FaultCode::kSintassiExtraXsd:
      return "PAA_SINTASSI_EXTRAXSD";
    case FaultCode::kIdDominioErrato:
      return "PAA_ID_DOMINIO_ERRATO";
    case FaultCode::kIdIntermediarioErrato:
      return "PAA_ID_INTERMEDIARIO_ERRATO";
    case FaultCode::kStazioneIntErrata:
      return "PAA_STAZIONE_INT_ERRATA";
    case FaultCode::kPagamentoSconosciuto:
      return "PAA_PAGAMENTO_SCONOSCIUTO";
    case FaultCode::kPagamentoDuplicato:
      return "PAA_PAGAMENTO_DUPLICATO";
    case FaultCode::kPagamentoInCorso:
      return "PAA_PAGAMENTO_IN_CORSO";
    case FaultCode::kPagamentoScaduto:
      return "PAA_PAGAMENTO_SCADUTO";
    case FaultCode::kPagamentoAnnullato:
      return "PAA_PAGAMENTO_ANNULLATO";
    case FaultCode::kSemantica:
      return "PAA_SEMANTICA";
    case FaultCode::kReceiptDuplicata:
      return "PAA_RECEIPT_DUPLICATA";
    case FaultCode::kSystemError:
      return "PAA_SYSTEM_ERROR";
  }
  // Only reachable with a value cast from outside the enum; answer the generic fault.
  return "PAA_SYSTEM_ERROR";
}

std::string_view faultString(FaultCode code) {
  switch (code) {
    case FaultCode::kSintassiXsd:
      return "Errore di sintassi XSD";
    case FaultCode::kSintassiExtraXsd:
      return "Errore di sintassi extra XSD";
    case FaultCode::kIdDominioErrato:
      return "La PAA non corrisponde al Dominio indicato";
    case FaultCode::kIdIntermediarioErrato:
      return "Identificativo intermediario non corrispondente";
    case FaultCode::kStazioneIntErrata:
      return "Stazione intermediario non corrispondente";
    case FaultCode::kPagamentoSconosciuto:
      return "Pagamento in attesa risulta sconosciuto all'Ente Creditore";
    case FaultCode::kPagamentoDuplicato:
      return "Pagamento in attesa risulta concluso all'Ente Creditore";
    case FaultCode::kPagamentoInCorso:
      return "Pagamento in attesa risulta in corso all'Ente Creditore";
    case FaultCode::kPagamentoScaduto:
      return "Pagamento in attesa risulta scaduto all'Ente Creditore";
    case FaultCode::kPagamentoAnnullato:
      return "Pagamento in attesa risulta annullato all'Ente Creditore";
    case FaultCode::kSemantica:
      return "Errore semantico";
    // Absent from the node's table; this is the string agreed for ponte.
    case FaultCode::kReceiptDuplicata:
      return "Receipt duplicata";
    case FaultCode::kSystemError:
      return "Errore generico";
  }
  return "Errore generico";
}

}  // namespace ponte::core
