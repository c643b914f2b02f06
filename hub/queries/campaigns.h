// Head office's service-due invitations and the customers' replies, as the
// read layer gives them to the command lines (docs/OUTREACH.md, "At head
// office"). The computation is hub/service_due.h (per person and car from the
// unified view, the last service at any store, km from every reading, the
// contact policy's decision, the store visited last); these are its typed
// results for a HubReader. Thread-compatible like HubReader.
#pragma once

#include <vector>

#include "hub/queries/reader.h"
#include "hub/service_due.h"
#include "hub/storage/campaign_store.h"
#include "sync/civil_time.h"
#include "sync/status.h"

namespace outpost::hub::queries {

using hub::CampaignSettings;
using hub::DueList;
using hub::HeadOfficeCalls;
using hub::Invitation;

// Head office's rules and holiday calendar: as set, else the shipped defaults.
Result<CampaignSettings> ReadCampaignSettings(const HubReader& reader);
// Who is due for an invitation on `date` (invite date on or before it). Runs
// identity resolution first (what it writes is signed with the reader's keys).
Result<DueList> ServiceDueOn(const HubReader& reader, const LocalDate& date);
// The customers' replies head office received, in the order recorded, with what it did.
Result<std::vector<storage::ReplyRow>> ListReplies(const HubReader& reader);

}  // namespace outpost::hub::queries
