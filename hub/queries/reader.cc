#include "hub/queries/reader.h"

#include "hub/hub.h"

namespace outpost::hub::queries {

HubReader::HubReader(Hub& hub) : db_(hub.db()), clock_(hub.clock()), signer_(&hub.keys()) {}

}  // namespace outpost::hub::queries
