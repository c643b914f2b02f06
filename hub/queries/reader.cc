#include "hub/queries/reader.h"

#include "hub/hub.h"

namespace outpost::hub::queries {

HubReader::HubReader(Hub& hub)
    : storage_(hub.storage()), clock_(hub.clock()), signer_(&hub.keys()) {}

Identity HubReader::MakeIdentity() const { return Identity(storage_.identity(), clock_, signer_); }

}  // namespace outpost::hub::queries
