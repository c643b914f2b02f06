#include "hub/identity.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "hub/identity_linking.h"
#include "sync/changelog.h"
#include "sync/hlc.h"
#include "sync/i18n/messages.h"
#include "sync/normalize.h"

namespace outpost::hub {

namespace {

using nlohmann::json;

Evidence CandidateEvidence(LinkCandidate c) {
  return {std::move(c.record_a), std::move(c.record_b), std::move(c.key_kind),
          std::move(c.key_value), false};
}

StoreRecord ReadRecord(const std::string& id, const std::string& site, const json& f) {
  StoreRecord r;
  r.record_id = id;
  r.site_id = site;
  r.name = f.value("name", "");
  if (f.contains("member_id") && f["member_id"].is_string()) r.member_id = f["member_id"];
  if (f.contains("phones") && f["phones"].is_array()) {
    for (const auto& p : f["phones"]) {
      if (p.is_string()) r.phones.push_back(p);
    }
  }
  r.do_not_disturb = f.value("do_not_disturb", false);
  r.contact_opt_in = f.value("contact_opt_in", false);
  r.created_at = f.value("created_at", "");
  return r;
}

// A record's consent as the hub holds it: each consent field's value with the
// stamp of the change that wrote it. A field never written since creation
// carries the creation's stamp and is `created` (for the old fields, the
// defaults; a per-channel field is always a statement).
Result<std::vector<ConsentEvent>> ConsentEventsOf(const json& fields, const json& stamps,
                                                  const Stamp& base) {
  auto created = [&](const std::string& field) {
    return !(stamps.is_object() && stamps.contains(field));
  };
  std::vector<ConsentEvent> out;
  ConsentEvent dnd;
  ASSIGN_OR_RETURN(dnd.stamp, FieldStamp(stamps, "do_not_disturb", base));
  dnd.created = created("do_not_disturb");
  dnd.do_not_disturb = fields.value("do_not_disturb", false);
  out.push_back(dnd);
  if (fields.contains("contact_opt_in") && fields["contact_opt_in"].is_boolean()) {
    ConsentEvent old;
    ASSIGN_OR_RETURN(old.stamp, FieldStamp(stamps, "contact_opt_in", base));
    old.created = created("contact_opt_in");
    old.contact_opt_in = fields["contact_opt_in"].get<bool>();
    // When and where, from the clock (the old field did not say; its staff
    // is in the change, not at hand here).
    old.statement.at = FormatUtcMs(HlcWallMs(old.stamp.hlc));
    old.statement.site = old.stamp.site;
    out.push_back(old);
  }
  for (ContactChannel channel : kContactChannels) {
    const std::string field = ConsentField(channel);
    if (!fields.contains(field)) continue;
    auto statement = ParseConsentStatement(fields[field]);
    if (!statement) continue;  // not a statement: never read as one
    ConsentEvent said;
    ASSIGN_OR_RETURN(said.stamp, FieldStamp(stamps, field, base));
    said.channel = channel;
    said.statement = *statement;
    out.push_back(said);
  }
  return out;
}

}  // namespace

Status Identity::IndexChanges() {
  // A standby takes no writes: its primary indexes, and it replays the rows.
  ASSIGN_OR_RETURN(bool read_only, store_.ReadOnly());
  if (read_only) return Status::Ok();
  return store_.IndexChanges();
}

Result<ResolveStats> Identity::Resolve(bool force, const ResolveProgress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  auto step = [&](int64_t done) {
    if (progress) progress(done, kResolveSteps);
  };
  // On a standby the links stand as its primary last resolved them (a forced
  // run goes on, and the server refuses its writes, saying it is a standby).
  ASSIGN_OR_RETURN(bool read_only, store_.ReadOnly());
  if (read_only && !force) return ResolveStats{};
  if (!read_only) RETURN_IF_ERROR(store_.IndexChanges());
  step(1);
  // Another process may write its plan while this one computes; then this
  // plan is stale and is computed again from what that one wrote. Each round
  // that loses, another won: only a stream of resolutions elsewhere outlasts
  // the rounds, and that stream does the work.
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    ResolveStats stats;
    ASSIGN_OR_RETURN(storage::ResolveMark mark, store_.CurrentMark());
    if (!force) {
      ASSIGN_OR_RETURN(std::optional<storage::ResolveMark> resolved, store_.ResolvedMark());
      if (resolved == mark) return stats;
    }
    stats.ran = true;
    ASSIGN_OR_RETURN(storage::LinkSnapshot snapshot, store_.LoadLinkInput());
    step(2);
    LinkInput& input = snapshot.input;
    input.now = FormatUtcMs(clock_.NowMs());
    const LinkPlan plan = LinkRecords(input);
    step(3);
    ASSIGN_OR_RETURN(bool written,
                     store_.WriteLinkPlan(plan, snapshot.generation, mark, input.now, signer_));
    if (!written) continue;
    step(kResolveSteps);
    stats.records = static_cast<int64_t>(input.records.size());
    stats.unified = plan.unified;
    stats.across_stores = plan.across_stores;
    stats.candidates = static_cast<int64_t>(plan.candidates.size());
    stats.links_changed = static_cast<int64_t>(plan.links.size());
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return stats;
  }
  return Status::RetryLater("customers resolve: other resolutions wrote first " +
                            std::to_string(kRounds) + " times; run it again")
      .WithShown(
          i18n::Format("customers resolve: other resolutions wrote first {0} times; run it again",
                       {std::to_string(kRounds)}));
}

Result<std::string> Identity::LiveId(const std::string& unified_id) {
  std::string id = unified_id;
  for (int hops = 0; hops < 64; ++hops) {  // follow redirects of merged ids
    ASSIGN_OR_RETURN(std::optional<UnifiedRow> row, store_.Unified(id));
    if (!row) {
      return Status::NotFound("customer: no unified customer " + unified_id)
          .WithShown(i18n::Format("customer: no unified customer {0}", {unified_id}));
    }
    if (!row->merged_into) return id;
    id = *row->merged_into;
  }
  return Status::Corruption("customer: the redirects of " + unified_id + " go round in a loop")
      .WithShown(i18n::Format("customer: the redirects of {0} go round in a loop", {unified_id}));
}

Result<std::string> Identity::UnifiedIdOf(const std::string& query) {
  if (query.size() == 17 && query[0] == 'U') {
    if (auto live = LiveId(query); live.ok() || live.status().code() != StatusCode::kNotFound) {
      return live;
    }
  }
  ASSIGN_OR_RETURN(std::string record, RecordOf(query));
  ASSIGN_OR_RETURN(std::optional<std::string> unified, store_.LinkOf(record));
  if (!unified) {
    return Status::NotFound("customer: record " + record + " is not resolved yet")
        .WithShown(i18n::Format("customer: record {0} is not resolved yet", {record}));
  }
  return *unified;
}

Result<std::string> Identity::RecordOf(const std::string& query) {
  ASSIGN_OR_RETURN(std::vector<std::string> ids, store_.RecordsStartingWith(query, 2));
  if (ids.empty() || query.size() < 6) {
    return Status::NotFound("customer: '" + query + "' is no unified id or store record id")
        .WithShown(i18n::Format("customer: '{0}' is no unified id or store record id", {query}));
  }
  if (ids.size() > 1) {
    return Status::InvalidInput("customer: '" + query + "' matches several records")
        .WithShown(i18n::Format("customer: '{0}' matches several records", {query}));
  }
  return ids.front();
}

Result<std::vector<std::string>> Identity::Find(const std::string& query) {
  RETURN_IF_ERROR(Resolve(false).status());
  std::vector<std::string> keys;
  if (auto phone = NormalizePhone(query); phone.ok()) keys.push_back("phone:" + *phone);
  if (auto plate = NormalizePlate(query); plate.ok()) keys.push_back("plate:" + *plate);
  if (auto vin = NormalizeVin(query); vin.ok()) keys.push_back("vin:" + *vin);
  if (auto member = NormalizeMemberId(query); member.ok()) keys.push_back("member:" + *member);
  std::vector<std::string> out;
  auto add = [&](const std::string& unified) {
    if (std::find(out.begin(), out.end(), unified) == out.end()) out.push_back(unified);
  };
  for (const auto& key : keys) {
    ASSIGN_OR_RETURN(std::vector<std::string> ids, store_.UnifiedWithKey(key));
    for (const auto& id : ids) add(id);
  }
  if (auto direct = UnifiedIdOf(query); direct.ok()) add(*direct);
  if (out.empty() && !query.empty()) {
    // Part of a name: supporting look-up only, never evidence.
    ASSIGN_OR_RETURN(std::vector<std::string> ids, store_.UnifiedWithNamePart(query, 50));
    for (const auto& id : ids) add(id);
  }
  return out;
}

Result<UnifiedView> Identity::Show(const std::string& query) {
  RETURN_IF_ERROR(Resolve(false).status());
  ASSIGN_OR_RETURN(std::string unified_id, UnifiedIdOf(query));
  return ViewOf(unified_id, /*with_evidence=*/true);
}

Result<UnifiedView> Identity::ViewOf(const std::string& unified_id, bool with_evidence) {
  UnifiedView view;
  view.unified_id = unified_id;
  ASSIGN_OR_RETURN(std::vector<std::string> members, store_.MembersOf(view.unified_id));
  std::vector<ConsentEvent> consent;
  std::map<std::string, std::set<std::string>> keys_of;  // record -> keys
  for (const auto& id : members) {
    ASSIGN_OR_RETURN(std::optional<storage::CustomerEntity> row, store_.Customer(id));
    if (!row) continue;
    const json fields = json::parse(row->fields, nullptr, false);
    const json stamps = json::parse(row->field_hlcs, nullptr, false);
    if (!fields.is_object()) continue;
    StoreRecord r = ReadRecord(id, row->site, fields);
    const Stamp base{static_cast<uint64_t>(row->base_hlc), r.site_id};
    auto events = ConsentEventsOf(fields, stamps, base);
    if (!events.ok()) {
      return Status::Corruption("hub entity customer " + id + ": " + events.status().message())
          .WithShown(i18n::Format("hub entity customer {0}: {1}", {id, events.status().shown()}));
    }
    const std::vector<ConsentEvent>& own = events.value();
    r.consent = MergeConsent(own);
    consent.insert(consent.end(), own.begin(), own.end());
    for (const auto& p : r.phones) keys_of[id].insert("phone:" + p);
    if (r.member_id) keys_of[id].insert("member:" + *r.member_id);
    view.records.push_back(std::move(r));
  }
  view.consent = MergeConsent(consent);

  // Vehicles and bookings of these records, at every store.
  for (const auto& id : members) {
    ASSIGN_OR_RETURN(std::vector<storage::ChildEntity> children, store_.ChildrenOf(id));
    for (const auto& child : children) {
      json f = json::parse(child.fields, nullptr, false);
      if (!f.is_object()) continue;
      if (child.entity == "vehicle") {
        view.vehicles.push_back({{"id", child.entity_id},
                                 {"site", child.site},
                                 {"record", id},
                                 {"plate", f.value("plate", json())},
                                 {"vin", f.value("vin", json())},
                                 {"mileage_km", f.value("mileage_km", json())}});
        if (f.contains("plate") && f["plate"].is_string())
          keys_of[id].insert("plate:" + f["plate"].get<std::string>());
        if (f.contains("vin") && f["vin"].is_string())
          keys_of[id].insert("vin:" + f["vin"].get<std::string>());
      } else {
        view.bookings.push_back(
            {{"id", child.entity_id},
             {"site", child.site},
             {"record", id},
             {"ref", f.value("ref", "")},
             {"slot", f.value("slot_date", "") + " " + f.value("slot_time", "")},
             {"status", f.value("status", "")},
             {"channel", f.value("channel", "")},
             {"service", f.value("service", "")},
             {"needs_reschedule", f.value("needs_reschedule", false)}});
        // What a completed visit was worth (fen), only where the store recorded it.
        if (f.contains("amount_fen") && f["amount_fen"].is_number_integer()) {
          view.bookings.back()["amount_fen"] = f["amount_fen"];
        }
      }
    }
  }
  std::sort(view.bookings.begin(), view.bookings.end(), [](const json& a, const json& b) {
    return a["slot"] != b["slot"] ? a["slot"] > b["slot"] : a["id"] < b["id"];
  });
  std::sort(view.vehicles.begin(), view.vehicles.end(),
            [](const json& a, const json& b) { return a["id"] < b["id"]; });
  if (!with_evidence) return view;

  // Why: every key two of its records share, the person's merges, and names.
  static const std::map<std::string, std::string> kKind = {
      {"phone", "phone"}, {"member", "member id"}, {"plate", "plate"}, {"vin", "VIN"}};
  for (size_t a = 0; a < view.records.size(); ++a) {
    for (size_t b = a + 1; b < view.records.size(); ++b) {
      const auto& ka = keys_of[view.records[a].record_id];
      const auto& kb = keys_of[view.records[b].record_id];
      for (const auto& k : ka) {
        if (!kb.count(k)) continue;
        const size_t colon = k.find(':');
        view.evidence.push_back({view.records[a].record_id, view.records[b].record_id,
                                 kKind.at(k.substr(0, colon)), k.substr(colon + 1), true});
      }
      if (SearchKey(view.records[a].name) == SearchKey(view.records[b].name)) {
        view.evidence.push_back({view.records[a].record_id, view.records[b].record_id, "name",
                                 view.records[a].name + " (supporting only)", false});
      }
    }
  }
  ASSIGN_OR_RETURN(std::vector<IdentityRule> rules, store_.Rules());
  for (const auto& rule : rules) {
    const std::string& a = rule.record_a;
    const std::string b = rule.record_b.value_or("");
    const bool mine = std::find(members.begin(), members.end(), a) != members.end() ||
                      std::find(members.begin(), members.end(), b) != members.end();
    if (!mine) continue;
    view.evidence.push_back(
        {a, b, rule.kind == "merge" ? "merged by a person" : "unmerged by a person",
         rule.staff + " at " + rule.at + ": " + rule.note, rule.kind == "merge"});
  }
  for (const auto& id : members) {
    ASSIGN_OR_RETURN(std::vector<LinkCandidate> open, store_.Candidates(id));
    for (auto& c : open) view.candidates.push_back(CandidateEvidence(std::move(c)));
  }
  return view;
}

Status Identity::Merge(const std::string& a_query, const std::string& b_query,
                       const std::string& staff, const std::string& note) {
  if (staff.empty()) return Status::InvalidInput("staff: say who decides (--staff)");
  if (note.empty()) return Status::InvalidInput("note: say why (--note)");
  RETURN_IF_ERROR(Resolve(false).status());
  auto record_for = [&](const std::string& q) -> Result<std::string> {
    if (auto r = RecordOf(q); r.ok()) return r;
    ASSIGN_OR_RETURN(std::string unified, UnifiedIdOf(q));
    ASSIGN_OR_RETURN(std::vector<std::string> members, store_.MembersOf(unified));
    if (members.empty()) {
      return Status::NotFound("customer: '" + q + "' has no records")
          .WithShown(i18n::Format("customer: '{0}' has no records", {q}));
    }
    return members.front();
  };
  ASSIGN_OR_RETURN(std::string a, record_for(a_query));
  ASSIGN_OR_RETURN(std::string b, record_for(b_query));
  if (a == b) return Status::InvalidInput("merge: both name the same record");
  ASSIGN_OR_RETURN(std::string ua, UnifiedIdOf(a));
  ASSIGN_OR_RETURN(std::string ub, UnifiedIdOf(b));
  if (ua == ub) {
    return Status::Refused("merge: " + a_query + " and " + b_query + " are already " + ua)
        .WithShown(i18n::Format("merge: {0} and {1} are already {2}", {a_query, b_query, ua}));
  }
  RETURN_IF_ERROR(
      store_.AddRule({0, "merge", a, b, staff, note, FormatUtcMs(clock_.NowMs())}, signer_));
  return Resolve(true).status();
}

Status Identity::Unmerge(const std::string& record_query, const std::string& staff,
                         const std::string& note) {
  if (staff.empty()) return Status::InvalidInput("staff: say who decides (--staff)");
  if (note.empty()) return Status::InvalidInput("note: say why (--note)");
  RETURN_IF_ERROR(Resolve(false).status());
  ASSIGN_OR_RETURN(std::string record, RecordOf(record_query));
  ASSIGN_OR_RETURN(std::string unified, UnifiedIdOf(record));
  ASSIGN_OR_RETURN(std::vector<std::string> members, store_.MembersOf(unified));
  if (members.size() < 2) {
    return Status::Refused("unmerge: record " + record + " is alone in " + unified)
        .WithShown(i18n::Format("unmerge: record {0} is alone in {1}", {record, unified}));
  }
  RETURN_IF_ERROR(store_.AddRule(
      {0, "split", record, std::nullopt, staff, note, FormatUtcMs(clock_.NowMs())}, signer_));
  return Resolve(true).status();
}

std::string Identity::CandidateRef(const Evidence& candidate) {
  const std::string pair = std::min(candidate.record_a, candidate.record_b) + "|" +
                           std::max(candidate.record_a, candidate.record_b);
  unsigned char h[5];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(pair.data()), pair.size(),
                     nullptr, 0);
  return "D-" + BytesHex(h, sizeof h);
}

Result<Evidence> Identity::CandidateByRef(const std::string& ref) {
  ASSIGN_OR_RETURN(std::vector<Evidence> all, Candidates());
  for (const auto& c : all) {
    if (CandidateRef(c) == ref) return c;
  }
  return Status::NotFound("possible duplicate: no open '" + ref +
                          "' (see outpost-hub conflicts list)")
      .WithShown(i18n::Format("possible duplicate: no open '{0}' (see outpost-hub conflicts list)",
                              {ref}));
}

Status Identity::KeepApart(const std::string& a, const std::string& b, const std::string& staff,
                           const std::string& note) {
  if (staff.empty()) return Status::InvalidInput("staff: say who decides (--staff)");
  if (note.empty()) return Status::InvalidInput("note: say why (--note)");
  RETURN_IF_ERROR(store_.KeepApart(std::min(a, b), std::max(a, b), staff, note,
                                   FormatUtcMs(clock_.NowMs()), signer_));
  return Resolve(true).status();
}

Result<std::vector<Evidence>> Identity::Candidates() {
  RETURN_IF_ERROR(Resolve(false).status());
  ASSIGN_OR_RETURN(std::vector<LinkCandidate> open, store_.Candidates(std::nullopt));
  std::vector<Evidence> out;
  out.reserve(open.size());
  for (auto& c : open) out.push_back(CandidateEvidence(std::move(c)));
  return out;
}

}  // namespace outpost::hub
