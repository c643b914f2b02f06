#include "hub/queries/reader.h"

#include "hub/hub.h"

namespace outpost::hub::queries {

HubReader::HubReader(Hub& hub)
    : storage_(hub.storage()), clock_(hub.clock()), signer_(&hub.keys()) {}

Identity HubReader::MakeIdentity() const {
  // Until identity moves to storage (hub/storage/identity_store.h).
  return Identity(storage_.DbUntilIdentityMoves(), clock_, signer_);
}

}  // namespace outpost::hub::queries
