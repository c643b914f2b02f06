#include "hub/identity.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "hub/record_log.h"
#include "sync/changelog.h"
#include "sync/hlc.h"
#include "sync/normalize.h"

namespace outpost::hub {
namespace {

using nlohmann::json;

// Phones as stored: a JSON array of E.164 strings, read without a JSON tree.
std::vector<std::string> PhonesOf(const std::string& array_text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = array_text.find('"', pos)) != std::string::npos) {
    const size_t end = array_text.find('"', pos + 1);
    if (end == std::string::npos) break;
    out.push_back(array_text.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return out;
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

Result<Identity::ResolveMark> Identity::Watermark() {
  // Entities carry their newest clock; their sum changes whenever a customer
  // or vehicle is written (cheaper than counting the change log).
  ResolveMark mark;
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT count(*), coalesce(sum(last_hlc % 1000003),"
                                             " 0) FROM entities WHERE entity IN ('customer',"
                                             " 'vehicle')"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  mark.changes = row ? st.Int(0) * 1000003 + st.Int(1) : 0;
  st.Reset();
  ASSIGN_OR_RETURN(Statement r, db_.Prepare("SELECT count(*) FROM identity_rules"));
  ASSIGN_OR_RETURN(bool rrow, r.Step());
  mark.rules = rrow ? r.Int(0) : 0;
  return mark;
}

Status Identity::IndexChanges() {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement cursors, db_.Prepare("SELECT site_id, profiled_seq, last_seq FROM"
                                                  " store_cursors WHERE last_seq > profiled_seq"));
  std::vector<std::tuple<std::string, int64_t, int64_t>> todo;
  while (true) {
    ASSIGN_OR_RETURN(bool row, cursors.Step());
    if (!row) break;
    todo.emplace_back(cursors.Text(0), cursors.Int(1), cursors.Int(2));
  }
  if (todo.empty()) return Status::Ok();
  // A change that does not name its customer (a status update) belongs to
  // the one its entity was filed under.
  ASSIGN_OR_RETURN(
      Statement changed,
      db_.Prepare("SELECT c.entity, c.entity_id, coalesce(json_extract(c.fields,"
                  " '$.customer_id'), k.customer_id) FROM changes c LEFT JOIN"
                  " customer_children k ON k.entity = c.entity AND k.entity_id ="
                  " c.entity_id WHERE c.site_id = ? AND c.seq > ? AND c.seq <= ?"
                  " AND c.entity IN ('customer', 'vehicle', 'booking') ORDER BY c.seq"));
  ASSIGN_OR_RETURN(Statement file, db_.Prepare("INSERT INTO customer_children (entity, entity_id,"
                                               " customer_id) VALUES (?, ?, ?) ON CONFLICT"
                                               " (entity, entity_id) DO UPDATE SET customer_id ="
                                               " excluded.customer_id"));
  ASSIGN_OR_RETURN(Statement done, db_.Prepare("UPDATE store_cursors SET profiled_seq = ?"
                                               " WHERE site_id = ?"));
  std::set<std::string> records;
  for (const auto& [site, from, to] : todo) {
    changed.Reset();
    changed.Bind(1, site).Bind(2, from).Bind(3, to);
    while (true) {
      ASSIGN_OR_RETURN(bool row, changed.Step());
      if (!row) break;
      if (changed.Text(0) == "customer") {
        records.insert(changed.Text(1));
        continue;
      }
      auto customer = changed.OptionalText(2);
      if (!customer) continue;
      records.insert(*customer);
      file.Reset();
      file.Bind(1, changed.Text(0)).Bind(2, changed.Text(1)).Bind(3, *customer);
      RETURN_IF_ERROR(file.Run());
    }
    done.Reset();
    done.Bind(1, to).Bind(2, site);
    RETURN_IF_ERROR(done.Run());
  }
  // A record not linked yet has no profile: resolution links it and marks it.
  ASSIGN_OR_RETURN(Statement mark, db_.Prepare("INSERT OR IGNORE INTO profile_dirty (unified_id)"
                                               " SELECT unified_id FROM identity_links WHERE"
                                               " record_id = ?"));
  for (const auto& record : records) {
    mark.Reset();
    mark.Bind(1, record);
    RETURN_IF_ERROR(mark.Run());
  }
  return tx->Commit();
}

Result<LinkInput> Identity::LoadLinkInput() {
  LinkInput in;
  {
    ASSIGN_OR_RETURN(Statement st,
                     db_.Prepare("SELECT entity_id, owner_site, json_extract(fields, '$.name'),"
                                 " json_extract(fields, '$.member_id'), json_extract(fields,"
                                 " '$.phones') FROM entities WHERE entity = 'customer'"
                                 " ORDER BY entity_id"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      in.records.push_back(
          {st.Text(0), st.Text(1), st.Text(2), st.OptionalText(3), PhonesOf(st.Text(4))});
    }
  }
  {
    ASSIGN_OR_RETURN(Statement st,
                     db_.Prepare("SELECT entity_id, json_extract(fields, '$.customer_id'),"
                                 " json_extract(fields, '$.plate'), json_extract(fields, '$.vin')"
                                 " FROM entities WHERE entity = 'vehicle' ORDER BY entity_id"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      in.vehicles.push_back({st.Text(0), st.Text(1), st.OptionalText(2), st.OptionalText(3)});
    }
  }
  {
    ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT id, kind, record_a, record_b, staff, note,"
                                               " at FROM identity_rules ORDER BY id"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      in.rules.push_back({st.Int(0), st.Text(1), st.Text(2), st.OptionalText(3), st.Text(4),
                          st.Text(5), st.Text(6)});
    }
  }
  {
    ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT record_a, record_b FROM"
                                               " identity_dismissals"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      in.kept_apart.emplace(st.Text(0), st.Text(1));
    }
  }
  {
    ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT unified_id, founder_record, created_at,"
                                               " merged_into FROM unified_customers"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      in.unified.push_back({st.Text(0), st.Text(1), st.Text(2), st.OptionalText(3)});
    }
    ASSIGN_OR_RETURN(Statement l, db_.Prepare("SELECT record_id, unified_id FROM identity_links"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, l.Step());
      if (!row) break;
      in.links[l.Text(0)] = l.Text(1);
    }
  }
  return in;
}

Status Identity::WriteLinkPlan(const LinkPlan& plan, const ResolveMark& mark,
                               const std::string& now) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement mint, db_.Prepare("INSERT INTO unified_customers (unified_id,"
                                               " founder_record, created_at) VALUES (?, ?, ?)"));
  for (const auto& row : plan.minted) {
    mint.Reset();
    mint.Bind(1, row.unified_id).Bind(2, row.founder_record).Bind(3, row.created_at);
    RETURN_IF_ERROR(mint.Run());
  }
  ASSIGN_OR_RETURN(Statement redirect, db_.Prepare("UPDATE unified_customers SET merged_into = ?"
                                                   " WHERE unified_id = ?"));
  for (const auto& [id, target] : plan.redirects) {
    redirect.Reset();
    redirect.Bind(1, target).Bind(2, id);
    RETURN_IF_ERROR(redirect.Run());
  }
  // Every unified id whose members or redirect change: its profiles at the
  // stores are rebuilt (hub/profiles.h).
  ASSIGN_OR_RETURN(Statement dirty, db_.Prepare("INSERT OR IGNORE INTO profile_dirty (unified_id)"
                                                " VALUES (?)"));
  for (const auto& id : plan.dirty) {
    dirty.Reset();
    dirty.Bind(1, id);
    RETURN_IF_ERROR(dirty.Run());
  }
  ASSIGN_OR_RETURN(RecordLog records, RecordLog::Open(db_));  // links decide identity
  ASSIGN_OR_RETURN(Statement put, db_.Prepare("INSERT INTO identity_links (record_id, site_id,"
                                              " unified_id, linked_at) VALUES (?, ?, ?, ?)"
                                              " ON CONFLICT (record_id) DO UPDATE SET"
                                              " unified_id = excluded.unified_id,"
                                              " linked_at = excluded.linked_at"));
  for (const auto& link : plan.links) {
    put.Reset();
    put.Bind(1, link.record_id).Bind(2, link.site_id).Bind(3, link.unified_id).Bind(4, now);
    RETURN_IF_ERROR(put.Run());
    RETURN_IF_ERROR(records.Note("identity_links", {link.record_id}));
  }
  RETURN_IF_ERROR(db_.Exec("DELETE FROM identity_candidates"));
  ASSIGN_OR_RETURN(Statement cand, db_.Prepare("INSERT OR IGNORE INTO identity_candidates"
                                               " (record_a, record_b, key_kind, key_value)"
                                               " VALUES (?, ?, ?, ?)"));
  for (const auto& c : plan.candidates) {
    cand.Reset();
    cand.Bind(1, c.record_a).Bind(2, c.record_b).Bind(3, c.key_kind).Bind(4, c.key_value);
    RETURN_IF_ERROR(cand.Run());
  }
  RETURN_IF_ERROR(db_.Exec("DELETE FROM identity_keys"));
  ASSIGN_OR_RETURN(Statement key, db_.Prepare("INSERT OR IGNORE INTO identity_keys (key,"
                                              " record_id) VALUES (?, ?)"));
  for (const auto& [k, record] : plan.keys) {
    key.Reset();
    key.Bind(1, k).Bind(2, record);
    RETURN_IF_ERROR(key.Run());
  }
  ASSIGN_OR_RETURN(Statement state,
                   db_.Prepare("INSERT INTO identity_state (singleton, resolved_changes,"
                               " resolved_rules, resolved_at) VALUES (1, ?, ?, ?) ON CONFLICT"
                               " (singleton) DO UPDATE SET resolved_changes ="
                               " excluded.resolved_changes, resolved_rules ="
                               " excluded.resolved_rules, resolved_at = excluded.resolved_at"));
  state.Bind(1, mark.changes).Bind(2, mark.rules).Bind(3, now);
  RETURN_IF_ERROR(state.Run());
  if (signer_) RETURN_IF_ERROR(records.Seal(*signer_));
  return tx->Commit();
}

Result<ResolveStats> Identity::Resolve(bool force) {
  const auto t0 = std::chrono::steady_clock::now();
  ResolveStats stats;
  RETURN_IF_ERROR(IndexChanges());
  ASSIGN_OR_RETURN(ResolveMark mark, Watermark());
  if (!force) {
    ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT resolved_changes, resolved_rules FROM"
                                               " identity_state"));
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (row && st.Int(0) == mark.changes && st.Int(1) == mark.rules) return stats;
  }
  stats.ran = true;
  ASSIGN_OR_RETURN(LinkInput input, LoadLinkInput());
  input.now = FormatUtcMs(clock_.NowMs());
  const LinkPlan plan = LinkRecords(input);
  RETURN_IF_ERROR(WriteLinkPlan(plan, mark, input.now));
  stats.records = static_cast<int64_t>(input.records.size());
  stats.unified = plan.unified;
  stats.across_stores = plan.across_stores;
  stats.candidates = static_cast<int64_t>(plan.candidates.size());
  stats.links_changed = static_cast<int64_t>(plan.links.size());
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return stats;
}

Result<std::string> Identity::LiveId(const std::string& unified_id) {
  std::string id = unified_id;
  for (int hops = 0; hops < 64; ++hops) {  // follow redirects of merged ids
    ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT merged_into FROM unified_customers"
                                               " WHERE unified_id = ?"));
    st.Bind(1, id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("customer: no unified customer " + unified_id);
    auto next = st.OptionalText(0);
    if (!next) return id;
    id = *next;
  }
  return Status::Corruption("customer: the redirects of " + unified_id + " go round in a loop");
}

Result<std::string> Identity::UnifiedIdOf(const std::string& query) {
  if (query.size() == 17 && query[0] == 'U') {
    if (auto live = LiveId(query); live.ok() || live.status().code() != StatusCode::kNotFound) {
      return live;
    }
  }
  ASSIGN_OR_RETURN(std::string record, RecordOf(query));
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT unified_id FROM identity_links WHERE"
                                             " record_id = ?"));
  st.Bind(1, record);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("customer: record " + record + " is not resolved yet");
  return st.Text(0);
}

Result<std::string> Identity::RecordOf(const std::string& query) {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare("SELECT entity_id FROM entities WHERE entity = 'customer' AND"
                               " entity_id >= ?1 AND entity_id < ?1 || 'g' LIMIT 2"));
  st.Bind(1, query);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || query.size() < 6) {
    return Status::NotFound("customer: '" + query + "' is no unified id or store record id");
  }
  std::string id = st.Text(0);
  ASSIGN_OR_RETURN(bool second, st.Step());
  if (second) return Status::InvalidInput("customer: '" + query + "' matches several records");
  return id;
}

Result<std::vector<std::string>> Identity::MembersOf(const std::string& unified_id) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT record_id FROM identity_links WHERE"
                                             " unified_id = ? ORDER BY record_id"));
  st.Bind(1, unified_id);
  return st.TextColumn();
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
    ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT l.unified_id FROM identity_keys k JOIN"
                                               " identity_links l USING (record_id) WHERE"
                                               " k.key = ?"));
    st.Bind(1, key);
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      add(st.Text(0));
    }
  }
  if (auto direct = UnifiedIdOf(query); direct.ok()) add(*direct);
  if (out.empty() && !query.empty()) {
    // Part of a name: supporting look-up only, never evidence.
    ASSIGN_OR_RETURN(Statement st,
                     db_.Prepare("SELECT DISTINCT l.unified_id FROM entities e JOIN identity_links"
                                 " l ON l.record_id = e.entity_id WHERE e.entity = 'customer' AND"
                                 " instr(json_extract(e.fields, '$.name'), ?) > 0 LIMIT 50"));
    st.Bind(1, query);
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      add(st.Text(0));
    }
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
  ASSIGN_OR_RETURN(std::vector<std::string> members, MembersOf(view.unified_id));
  std::vector<ConsentEvent> consent;
  std::map<std::string, std::set<std::string>> keys_of;  // record -> keys
  for (const auto& id : members) {
    ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT owner_site, fields, field_hlcs, base_hlc"
                                               " FROM entities WHERE entity = 'customer' AND"
                                               " entity_id = ?"));
    st.Bind(1, id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) continue;
    const json fields = json::parse(st.Text(1), nullptr, false);
    const json stamps = json::parse(st.Text(2), nullptr, false);
    if (!fields.is_object()) continue;
    StoreRecord r = ReadRecord(id, st.Text(0), fields);
    const Stamp base{static_cast<uint64_t>(st.Int(3)), r.site_id};
    auto events = ConsentEventsOf(fields, stamps, base);
    if (!events.ok()) {
      return Status::Corruption("hub entity customer " + id + ": " + events.status().message());
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
    ASSIGN_OR_RETURN(Statement st,
                     db_.Prepare("SELECT e.entity, e.entity_id, e.owner_site, e.fields FROM"
                                 " customer_children k JOIN entities e ON e.entity = k.entity"
                                 " AND e.entity_id = k.entity_id WHERE k.customer_id = ?"));
    st.Bind(1, id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      json f = json::parse(st.Text(3), nullptr, false);
      if (!f.is_object()) continue;
      if (st.Text(0) == "vehicle") {
        view.vehicles.push_back({{"id", st.Text(1)},
                                 {"site", st.Text(2)},
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
            {{"id", st.Text(1)},
             {"site", st.Text(2)},
             {"record", id},
             {"ref", f.value("ref", "")},
             {"slot", f.value("slot_date", "") + " " + f.value("slot_time", "")},
             {"status", f.value("status", "")},
             {"channel", f.value("channel", "")},
             {"service", f.value("service", "")},
             {"needs_reschedule", f.value("needs_reschedule", false)}});
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
  ASSIGN_OR_RETURN(Statement rules, db_.Prepare("SELECT kind, record_a, record_b, staff, note, at"
                                                " FROM identity_rules ORDER BY id"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, rules.Step());
    if (!row) break;
    const std::string a = rules.Text(1), b = rules.OptionalText(2).value_or("");
    const bool mine = std::find(members.begin(), members.end(), a) != members.end() ||
                      std::find(members.begin(), members.end(), b) != members.end();
    if (!mine) continue;
    view.evidence.push_back(
        {a, b, rules.Text(0) == "merge" ? "merged by a person" : "unmerged by a person",
         rules.Text(3) + " at " + rules.Text(5) + ": " + rules.Text(4), rules.Text(0) == "merge"});
  }
  ASSIGN_OR_RETURN(Statement cand, db_.Prepare("SELECT record_a, record_b, key_kind, key_value FROM"
                                               " identity_candidates WHERE record_a = ?1 OR"
                                               " record_b = ?1"));
  for (const auto& id : members) {
    cand.Reset();
    cand.Bind(1, id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, cand.Step());
      if (!row) break;
      view.candidates.push_back({cand.Text(0), cand.Text(1), cand.Text(2), cand.Text(3), false});
    }
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
    ASSIGN_OR_RETURN(std::vector<std::string> members, MembersOf(unified));
    if (members.empty()) return Status::NotFound("customer: '" + q + "' has no records");
    return members.front();
  };
  ASSIGN_OR_RETURN(std::string a, record_for(a_query));
  ASSIGN_OR_RETURN(std::string b, record_for(b_query));
  if (a == b) return Status::InvalidInput("merge: both name the same record");
  ASSIGN_OR_RETURN(std::string ua, UnifiedIdOf(a));
  ASSIGN_OR_RETURN(std::string ub, UnifiedIdOf(b));
  if (ua == ub)
    return Status::Refused("merge: " + a_query + " and " + b_query + " are already " + ua);
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("INSERT INTO identity_rules (kind, record_a, record_b,"
                                             " staff, note, at) VALUES ('merge', ?, ?, ?, ?, ?)"));
  st.Bind(1, a).Bind(2, b).Bind(3, staff).Bind(4, note).Bind(5, FormatUtcMs(clock_.NowMs()));
  RETURN_IF_ERROR(RecordDecision(st, "identity_rules", {}));
  return Resolve(true).status();
}

Status Identity::Unmerge(const std::string& record_query, const std::string& staff,
                         const std::string& note) {
  if (staff.empty()) return Status::InvalidInput("staff: say who decides (--staff)");
  if (note.empty()) return Status::InvalidInput("note: say why (--note)");
  RETURN_IF_ERROR(Resolve(false).status());
  ASSIGN_OR_RETURN(std::string record, RecordOf(record_query));
  ASSIGN_OR_RETURN(std::string unified, UnifiedIdOf(record));
  ASSIGN_OR_RETURN(std::vector<std::string> members, MembersOf(unified));
  if (members.size() < 2)
    return Status::Refused("unmerge: record " + record + " is alone in " + unified);
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("INSERT INTO identity_rules (kind, record_a, staff,"
                                             " note, at) VALUES ('split', ?, ?, ?, ?)"));
  st.Bind(1, record).Bind(2, staff).Bind(3, note).Bind(4, FormatUtcMs(clock_.NowMs()));
  RETURN_IF_ERROR(RecordDecision(st, "identity_rules", {}));
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
                          "' (see outpost-hub conflicts list)");
}

Status Identity::KeepApart(const std::string& a, const std::string& b, const std::string& staff,
                           const std::string& note) {
  if (staff.empty()) return Status::InvalidInput("staff: say who decides (--staff)");
  if (note.empty()) return Status::InvalidInput("note: say why (--note)");
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("INSERT INTO identity_dismissals (record_a, record_b,"
                                             " staff, note, at) VALUES (?, ?, ?, ?, ?) ON"
                                             " CONFLICT DO NOTHING"));
  st.Bind(1, std::min(a, b))
      .Bind(2, std::max(a, b))
      .Bind(3, staff)
      .Bind(4, note)
      .Bind(5, FormatUtcMs(clock_.NowMs()));
  RETURN_IF_ERROR(RecordDecision(st, "identity_dismissals", {std::min(a, b), std::max(a, b)}));
  return Resolve(true).status();
}

Status Identity::RecordDecision(Statement& insert, const std::string& table,
                                const std::vector<std::string>& key) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  RETURN_IF_ERROR(insert.Run());
  if (db_.RowsChanged() == 0) return Status::Ok();  // kept apart already: nothing new
  ASSIGN_OR_RETURN(RecordLog records, RecordLog::Open(db_));
  // A rule's key is its id, known only once inserted.
  RETURN_IF_ERROR(records.Note(
      table, key.empty() ? std::vector<std::string>{std::to_string(db_.LastInsertRowId())} : key));
  if (signer_) RETURN_IF_ERROR(records.Seal(*signer_));
  return tx->Commit();
}

Result<std::vector<Evidence>> Identity::Candidates() {
  RETURN_IF_ERROR(Resolve(false).status());
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT record_a, record_b, key_kind, key_value FROM"
                                             " identity_candidates ORDER BY record_a, record_b"));
  std::vector<Evidence> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), st.Text(2), st.Text(3), false});
  }
  return out;
}

}  // namespace outpost::hub
