// The stable names of faults, operations and statuses: they go on the wire and into the store.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "core/fault.h"
#include "core/node_messages.h"
#include "core/position.h"

using namespace ponte::core;

TEST_CASE("fault codes and strings follow the Dominio EC table", "[unit]") {
  struct Row {
    FaultCode code;
    const char* name;
    const char* string;
  };
  const Row rows[] = {
      {FaultCode::kSintassiXsd, "PAA_SINTASSI_XSD", "Errore di sintassi XSD"},
      {FaultCode::kSintassiExtraXsd, "PAA_SINTASSI_EXTRAXSD", "Errore di sintassi extra XSD"},
      {FaultCode::kIdDominioErrato, "PAA_ID_DOMINIO_ERRATO",
       "La PAA non corrisponde al Dominio indicato"},
      {FaultCode::kIdIntermediarioErrato, "PAA_ID_INTERMEDIARIO_ERRATO",
       "Identificativo intermediario non corrispondente"},
      {FaultCode::kStazioneIntErrata, "PAA_STAZIONE_INT_ERRATA",
       "Stazione intermediario non corrispondente"},
      {FaultCode::kPagamentoSconosciuto, "PAA_PAGAMENTO_SCONOSCIUTO",
       "Pagamento in attesa risulta sconosciuto all'Ente Creditore"},
      {FaultCode::kPagamentoDuplicato, "PAA_PAGAMENTO_DUPLICATO",
       "Pagamento in attesa risulta concluso all'Ente Creditore"},
      {FaultCode::kPagamentoInCorso, "PAA_PAGAMENTO_IN_CORSO",
       "Pagamento in attesa risulta in corso all'Ente Creditore"},
      {FaultCode::kPagamentoScaduto, "PAA_PAGAMENTO_SCADUTO",
       "Pagamento in attesa risulta scaduto all'Ente Creditore"},
      {FaultCode::kPagamentoAnnullato, "PAA_PAGAMENTO_ANNULLATO",
       "Pagamento in attesa risulta annullato all'Ente Creditore"},
      {FaultCode::kSemantica, "PAA_SEMANTICA", "Errore semantico"},
      {FaultCode::kReceiptDuplicata, "PAA_RECEIPT_DUPLICATA", "Receipt duplicata"},
      {FaultCode::kSystemError, "PAA_SYSTEM_ERROR", "Errore generico"},
  };
  for (const Row& row : rows) {
    CHECK(faultCodeName(row.code) == row.name);
    CHECK(faultString(row.code) == row.string);
  }
}

TEST_CASE("operation names are the SOAPAction values and parse back", "[unit]") {
  const std::pair<Operation, const char*> operations[] = {
      {Operation::kVerify, "paVerifyPaymentNotice"}, {Operation::kGetPayment, "paGetPayment"},
      {Operation::kGetPaymentV2, "paGetPaymentV2"},  {Operation::kSendRt, "paSendRT"},
      {Operation::kSendRtV2, "paSendRTV2"},          {Operation::kDemand, "paDemandPaymentNotice"},
  };
  for (const auto& [op, name] : operations) {
    CHECK(operationName(op) == name);
    CHECK(operationFromName(name) == op);
  }
  for (const char* name : {"", "paSendRt", "pasendrt", "paSendRTV3", "paVerifyPaymentNotice ",
                           "\"paSendRT\"", "nodoInviaRPT"}) {
    INFO("name: '" << name << "'");
    CHECK_FALSE(operationFromName(name).has_value());
  }
}

TEST_CASE("position statuses use the GPD names", "[unit]") {
  const std::pair<PositionStatus, const char*> statuses[] = {
      {PositionStatus::kDraft, "DRAFT"},     {PositionStatus::kPublished, "PUBLISHED"},
      {PositionStatus::kValid, "VALID"},     {PositionStatus::kInvalid, "INVALID"},
      {PositionStatus::kExpired, "EXPIRED"}, {PositionStatus::kPartiallyPaid, "PARTIALLY_PAID"},
      {PositionStatus::kPaid, "PAID"},       {PositionStatus::kReported, "REPORTED"},
  };
  for (const auto& [status, name] : statuses) {
    CHECK(toString(status) == name);
    CHECK(parsePositionStatus(name) == status);
  }
  CHECK_FALSE(parsePositionStatus("valid").has_value());
  CHECK_FALSE(parsePositionStatus("UNPAYABLE").has_value());
  CHECK_FALSE(parsePositionStatus("").has_value());
}

TEST_CASE("option statuses use the GPD names", "[unit]") {
  const std::pair<OptionStatus, const char*> statuses[] = {
      {OptionStatus::kUnpaid, "PO_UNPAID"},
      {OptionStatus::kPaid, "PO_PAID"},
      {OptionStatus::kPartiallyReported, "PO_PARTIALLY_REPORTED"},
      {OptionStatus::kReported, "PO_REPORTED"},
  };
  for (const auto& [status, name] : statuses) {
    CHECK(toString(status) == name);
    CHECK(parseOptionStatus(name) == status);
    CHECK(isPaid(status) == (status != OptionStatus::kUnpaid));
  }
  CHECK_FALSE(parseOptionStatus("UNPAID").has_value());
  CHECK_FALSE(parseOptionStatus("PO_PAID ").has_value());
}
