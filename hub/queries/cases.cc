#include "hub/queries/cases.h"

#include "sync/i18n/messages.h"

namespace outpost::hub::queries {
namespace {

std::string StringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A case row as the store synced it; nullopt when its fields are not an
// object (never written so by a store; skipped rather than failing the list).
std::optional<HubCase> ReadCase(const std::string& id, const std::string& store_id,
                                const std::string& fields_json) {
  HubCase c;
  c.fields = nlohmann::json::parse(fields_json, nullptr, false);
  if (!c.fields.is_object()) return std::nullopt;
  c.fields["id"] = id;
  c.fields["store_id"] = store_id;
  c.id = id;
  c.store_id = store_id;
  c.ref = StringField(c.fields, "ref");
  c.status = StringField(c.fields, "status");
  c.kind = StringField(c.fields, "kind");
  c.summary = StringField(c.fields, "summary");
  if (c.fields.contains("resolution")) c.resolution = StringField(c.fields, "resolution");
  c.resolved_by = StringField(c.fields, "resolved_by");
  if (auto contacts = c.fields.find("contacts");
      contacts != c.fields.end() && contacts->is_array()) {
    for (const auto& x : *contacts) {
      if (!x.is_object()) continue;
      c.contacts.push_back({StringField(x, "name"), StringField(x, "phone"),
                            StringField(x, "booking_ref"), StringField(x, "why")});
    }
  }
  return c;
}

// Every case of `store` (every store's when empty) that `keep` accepts,
// newest opened first.
template <typename Keep>
Result<std::vector<HubCase>> SelectCases(const HubReader& hub, const std::string& store,
                                         Keep keep) {
  ASSIGN_OR_RETURN(std::vector<storage::EntityFields> rows, hub.reads().Cases(store));
  std::vector<HubCase> out;
  for (const auto& row : rows) {
    std::optional<HubCase> c = ReadCase(row.entity_id, row.owner_site, row.fields_json);
    if (c && keep(*c)) out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace

Result<std::vector<HubCase>> ListCases(const HubReader& hub, const std::string& store,
                                       bool include_resolved) {
  return SelectCases(hub, store,
                     [&](const HubCase& c) { return include_resolved || c.status == "open"; });
}

Result<std::vector<HubCase>> FindCases(const HubReader& hub, const std::string& ref_or_id,
                                       const std::string& store) {
  ASSIGN_OR_RETURN(std::vector<HubCase> found, SelectCases(hub, store, [&](const HubCase& c) {
                     return c.ref == ref_or_id || c.id == ref_or_id;
                   }));
  if (found.empty())
    return Status::NotFound("case: no case '" + ref_or_id + "'")
        .WithShown(i18n::Format("case: no case '{0}'", {ref_or_id}));
  return found;
}

Result<std::vector<PossibleDuplicate>> ListPossibleDuplicates(const HubReader& hub) {
  Identity identity = hub.MakeIdentity();
  ASSIGN_OR_RETURN(std::vector<Evidence> candidates, identity.Candidates());
  std::vector<PossibleDuplicate> out;
  out.reserve(candidates.size());
  for (auto& c : candidates) out.push_back({Identity::CandidateRef(c), std::move(c)});
  return out;
}

}  // namespace outpost::hub::queries
