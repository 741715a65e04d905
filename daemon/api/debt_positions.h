// The debt position routes: GPD v1's /organizations/{organizationfiscalcode}/debtpositions
// (create, get, list, update, delete, publish, invalidate, bulk) and ponte's additions under
// /ponte/v1/organizations/{organizationfiscalcode}/debtpositions/{iupd} (amount schedule,
// coercive collection, what is payable today).
#pragma once

#include "api/api_call.h"

namespace ponte::api {

void listPositionsRoute(ApiCall& call, const Respond& respond);
void createPositionRoute(ApiCall& call, const Respond& respond);
void getPositionRoute(ApiCall& call, const Respond& respond);
void updatePositionRoute(ApiCall& call, const Respond& respond);
void deletePositionRoute(ApiCall& call, const Respond& respond);
void publishPositionRoute(ApiCall& call, const Respond& respond);
void invalidatePositionRoute(ApiCall& call, const Respond& respond);
void putAmountScheduleRoute(ApiCall& call, const Respond& respond);
void putCoerciveCollectionRoute(ApiCall& call, const Respond& respond);
void deleteCoerciveCollectionRoute(ApiCall& call, const Respond& respond);
void payabilityRoute(ApiCall& call, const Respond& respond);

}  // namespace ponte::api
