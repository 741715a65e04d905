// Spontaneous payments for citizen portals: a service of the EC's catalogue, an amount, a reason
// and a payer become a new position and notice number, with the text of its payment QR code.
// The rules are paDemandPaymentNotice's (core/spontaneous_payment.h).
#pragma once

#include "api/api_call.h"

namespace ponte::api {

// POST /ponte/v1/organizations/{organizationfiscalcode}/spontaneous-payments
//   {"idServizio", "idSoggettoServizio", "amount" (cents; fixed-amount services may omit it),
//    "reason" (optional: the service's description), "payer" {type, fiscalCode, fullName,
//    email} (optional: ANONIMO)}
// -> 201 {iupd, nav, iuv, amount, dueDate, description, qrCode, ...}. Answered from a store
// thread once the position is durable.
void createSpontaneousRoute(ApiCall& call, const Respond& respond);

}  // namespace ponte::api
