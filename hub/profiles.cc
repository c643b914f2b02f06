#include "hub/profiles.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "sync/changelog.h"
#include "sync/lifecycle.h"
#include "sync/normalize.h"

namespace outpost::hub {
namespace {

using nlohmann::json;

constexpr size_t kMaxBookingsInProfile = 20;

std::string Digest(const std::string& text) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     nullptr, 0);
  return std::string(reinterpret_cast<const char*>(h), sizeof h);
}

// A status this hub does not know (a newer store's) is no visit.
bool IsVisit(const std::string& status) {
  auto known = ParseBookingStatus(status);
  return known.ok() && VisitHappened(known.value());
}

}  // namespace

json ConsentBody(const Consent& consent) {
  json channels = json::object();
  for (ContactChannel c : kContactChannels) {
    channels[ContactChannelName(c)] = ConsentStatementJson(consent.Of(c));
  }
  return {{"do_not_disturb", consent.do_not_disturb},
          {"contact_opt_in", consent.contact_opt_in},
          {"channels", channels}};
}

json ProfileBody(const UnifiedView& view, const std::string& site) {
  json here = json::array(), records = json::array();
  for (const auto& r : view.records) {
    if (r.site_id == site) here.push_back(r.record_id);
    records.push_back({{"store_id", r.site_id},
                       {"record_id", r.record_id},
                       {"name", r.name},
                       {"member_id", r.member_id ? json(*r.member_id) : json(nullptr)}});
  }
  json vehicles = json::array();
  for (const auto& v : view.vehicles) {
    vehicles.push_back({{"store_id", v["site"]},
                        {"plate", v["plate"]},
                        {"vin", v["vin"]},
                        {"mileage_km", v["mileage_km"]}});
  }
  // Newest first (the view's order); visits counted over all of them.
  json bookings = json::array();
  int64_t visits = 0;
  std::string last_visit, last_visit_store;
  std::set<std::string> stores;
  for (const auto& r : view.records) stores.insert(r.site_id);
  for (const auto& b : view.bookings) {
    const std::string status = b.value("status", "");
    if (IsVisit(status)) {
      ++visits;
      if (b["slot"].get<std::string>() > last_visit) {
        last_visit = b["slot"];
        last_visit_store = b["site"];
      }
    }
    if (bookings.size() < kMaxBookingsInProfile) {
      bookings.push_back({{"store_id", b["site"]},
                          {"ref", b["ref"]},
                          {"slot", b["slot"]},
                          {"status", status},
                          {"service", b["service"]},
                          {"channel", b["channel"]}});
    }
  }
  return {{"unified_id", view.unified_id},
          {"here", here},
          {"records", records},
          {"stores", stores.size()},
          {"consent", ConsentBody(view.consent)},
          {"vehicles", vehicles},
          {"bookings", bookings},
          {"bookings_total", view.bookings.size()},
          {"visits",
           {{"count", visits},
            {"last", last_visit.empty() ? json(nullptr) : json(last_visit)},
            {"last_store", last_visit.empty() ? json(nullptr) : json(last_visit_store)}}}};
}

Result<std::vector<WireProfile>> ProfilesAfter(Db& db, const std::string& site, int64_t held_seq,
                                               int limit) {
  ASSIGN_OR_RETURN(Statement numbered, db.Prepare("SELECT profile_seq FROM store_cursors"
                                                  " WHERE site_id = ?"));
  numbered.Bind(1, site);
  ASSIGN_OR_RETURN(bool has_row, numbered.Step());
  const int64_t given_out = has_row ? numbered.Int(0) : 0;
  numbered.Reset();
  if (held_seq > given_out) {
    // Both moves or neither: the next seq given out must stay above every
    // numbered profile.
    ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
    ASSIGN_OR_RETURN(Statement renumber,
                     db.Prepare("UPDATE store_profiles SET seq = seq + ? WHERE site_id = ?"));
    renumber.Bind(1, held_seq).Bind(2, site);
    RETURN_IF_ERROR(renumber.Run());
    ASSIGN_OR_RETURN(Statement bump, db.Prepare("UPDATE store_cursors SET profile_seq ="
                                                " profile_seq + ? WHERE site_id = ?"));
    bump.Bind(1, held_seq).Bind(2, site);
    RETURN_IF_ERROR(bump.Run());
    RETURN_IF_ERROR(tx->Commit());
  }
  ASSIGN_OR_RETURN(Statement held, db.Prepare("UPDATE store_cursors SET applied_profile_seq ="
                                              " min(?1, profile_seq) WHERE site_id = ?2 AND"
                                              " applied_profile_seq != min(?1, profile_seq)"));
  held.Bind(1, held_seq).Bind(2, site);
  RETURN_IF_ERROR(held.Run());
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT seq, unified_id, profile FROM store_profiles"
                                            " WHERE site_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
  st.Bind(1, site).Bind(2, held_seq).Bind(3, int64_t{limit});
  std::vector<WireProfile> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Int(0), st.Text(1), st.OptionalText(2).value_or("")});
  }
  return out;
}

Result<RefreshStats> Profiles::Refresh() {
  const auto t0 = std::chrono::steady_clock::now();
  RefreshStats stats;
  {
    // The customers behind every change applied since the last look.
    Identity identity(db_, clock_);
    RETURN_IF_ERROR(identity.IndexChanges());
  }
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  std::set<std::string> dirty;
  {
    ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT unified_id FROM profile_dirty"));
    ASSIGN_OR_RETURN(std::vector<std::string> ids, st.TextColumn());
    dirty.insert(ids.begin(), ids.end());
  }
  Identity identity(db_, clock_);
  ASSIGN_OR_RETURN(Statement held, db_.Prepare("SELECT site_id, digest FROM store_profiles WHERE"
                                               " unified_id = ? AND profile IS NOT NULL"));
  ASSIGN_OR_RETURN(Statement next, db_.Prepare("UPDATE store_cursors SET profile_seq ="
                                               " profile_seq + 1 WHERE site_id = ?"
                                               " RETURNING profile_seq"));
  ASSIGN_OR_RETURN(Statement put, db_.Prepare("INSERT INTO store_profiles (site_id, unified_id,"
                                              " seq, digest, profile) VALUES (?, ?, ?, ?, ?)"
                                              " ON CONFLICT (site_id, unified_id) DO UPDATE SET"
                                              " seq = excluded.seq, digest = excluded.digest,"
                                              " profile = excluded.profile"));
  auto write = [&](const std::string& site, const std::string& unified,
                   const std::optional<std::string>& profile) -> Status {
    next.Reset();
    next.Bind(1, site);
    ASSIGN_OR_RETURN(bool row, next.Step());
    if (!row) return Status::Ok();  // not a store on the allow-list (any more)
    const int64_t seq = next.Int(0);
    RETURN_IF_ERROR(next.Run());
    put.Reset();
    put.Bind(1, site).Bind(2, unified).Bind(3, seq);
    if (profile) {
      const std::string digest = Digest(*profile);
      put.BindBlob(4, digest.data(), digest.size()).Bind(5, *profile);
    } else {
      put.Bind(4, std::optional<std::string>()).Bind(5, std::optional<std::string>());
    }
    return put.Run();
  };
  std::vector<std::string> absorbed_into;  // live targets of merged ids, rebuilt after
  auto rebuild = [&](const std::string& unified) -> Status {
    ++stats.customers;
    // An id absorbed by a merge lives on as its target: the target is built too.
    std::string live = unified;
    if (auto l = identity.LiveId(unified); l.ok()) live = l.value();
    UnifiedView view;
    if (live == unified) {
      ASSIGN_OR_RETURN(view, identity.ViewOf(unified, /*with_evidence=*/false));
    }
    std::map<std::string, std::string> bodies;  // site -> profile
    for (const auto& r : view.records) {
      if (!bodies.count(r.site_id)) bodies[r.site_id] = ProfileBody(view, r.site_id).dump();
    }
    std::map<std::string, std::string> current;  // site -> digest
    held.Reset();
    held.Bind(1, unified);
    while (true) {
      ASSIGN_OR_RETURN(bool row, held.Step());
      if (!row) break;
      current[held.Text(0)] = held.Blob(1);
    }
    for (const auto& [site, body] : bodies) {
      auto it = current.find(site);
      if (it != current.end() && it->second == Digest(body)) continue;
      RETURN_IF_ERROR(write(site, unified, body));
      ++stats.sent;
    }
    for (const auto& [site, digest] : current) {
      if (bodies.count(site)) continue;
      RETURN_IF_ERROR(write(site, unified, std::nullopt));
      ++stats.withdrawn;
    }
    if (live != unified && !dirty.count(live)) absorbed_into.push_back(live);
    return Status::Ok();
  };
  for (const auto& unified : dirty) RETURN_IF_ERROR(rebuild(unified));
  std::sort(absorbed_into.begin(), absorbed_into.end());
  absorbed_into.erase(std::unique(absorbed_into.begin(), absorbed_into.end()), absorbed_into.end());
  for (const auto& unified : absorbed_into) RETURN_IF_ERROR(rebuild(unified));
  RETURN_IF_ERROR(db_.Exec("DELETE FROM profile_dirty"));
  RETURN_IF_ERROR(tx->Commit());
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return stats;
}

Result<WireLookupReply> Profiles::Lookup(const std::string& site, const std::string& phone,
                                         const std::string& staff) {
  WireLookupReply reply;
  reply.site_id = site;
  auto normal = NormalizePhone(phone);
  if (!normal.ok()) {
    reply.status = "phone: " + normal.status().message();
    return reply;
  }
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT DISTINCT l.unified_id FROM identity_keys k"
                                             " JOIN identity_links l USING (record_id) WHERE"
                                             " k.key = ? ORDER BY l.unified_id"));
  st.Bind(1, "phone:" + normal.value());
  ASSIGN_OR_RETURN(std::vector<std::string> ids, st.TextColumn());
  Identity identity(db_, clock_);
  RETURN_IF_ERROR(identity.IndexChanges());  // bookings made in the last seconds count too
  std::set<std::string> seen;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(std::string live, identity.LiveId(id));
    if (!seen.insert(live).second) continue;
    if (static_cast<int>(reply.profiles.size()) == kMaxLookupMatches) {
      reply.status = "ok: more than " + std::to_string(kMaxLookupMatches) +
                     " customers share this phone; the first are shown";
      break;
    }
    ASSIGN_OR_RETURN(UnifiedView view, identity.ViewOf(live, /*with_evidence=*/false));
    reply.profiles.push_back({0, live, ProfileBody(view, site).dump()});
  }
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(normal->data()),
                     normal->size(), lookup_key_.data(), lookup_key_.size());
  ASSIGN_OR_RETURN(Statement log, db_.Prepare("INSERT INTO lookup_log (at, site_id, staff,"
                                              " phone_hash, found) VALUES (?, ?, ?, ?, ?)"));
  log.Bind(1, FormatUtcMs(clock_.NowMs()))
      .Bind(2, site)
      .Bind(3, staff.empty() ? "-" : staff)
      .Bind(4, BytesHex(h, sizeof h))
      .Bind(5, static_cast<int64_t>(reply.profiles.size()));
  RETURN_IF_ERROR(log.Run());
  return reply;
}

}  // namespace outpost::hub
