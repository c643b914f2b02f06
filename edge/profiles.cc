#include "edge/profiles.h"

#include "sync/clock.h"
#include "sync/i18n/messages.h"

namespace outpost::edge {

Status KeepProfiles(Db& db, const std::vector<WireProfile>& profiles, int64_t now_ms) {
  if (profiles.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
  ASSIGN_OR_RETURN(int64_t held, HeldProfileSeq(db));
  ASSIGN_OR_RETURN(Statement drop_links, db.Prepare("DELETE FROM customer_unified WHERE"
                                                    " unified_id = ?"));
  ASSIGN_OR_RETURN(Statement drop, db.Prepare("DELETE FROM unified_profiles WHERE unified_id = ?"));
  ASSIGN_OR_RETURN(Statement put, db.Prepare("INSERT INTO unified_profiles (unified_id, hub_seq,"
                                             " profile, received_at) VALUES (?, ?, ?, ?) ON"
                                             " CONFLICT (unified_id) DO UPDATE SET hub_seq ="
                                             " excluded.hub_seq, profile = excluded.profile,"
                                             " received_at = excluded.received_at"));
  ASSIGN_OR_RETURN(Statement link, db.Prepare("INSERT INTO customer_unified (customer_id,"
                                              " unified_id) VALUES (?, ?) ON CONFLICT"
                                              " (customer_id) DO UPDATE SET unified_id ="
                                              " excluded.unified_id"));
  const std::string now = FormatUtcMs(now_ms);
  int64_t newest = held;
  for (const auto& p : profiles) {
    if (p.seq <= held) continue;  // a late or repeated answer: already held
    newest = std::max(newest, p.seq);
    drop_links.Reset();
    drop_links.Bind(1, p.unified_id);
    RETURN_IF_ERROR(drop_links.Run());
    if (p.profile_json.empty()) {
      drop.Reset();
      drop.Bind(1, p.unified_id);
      RETURN_IF_ERROR(drop.Run());
      continue;
    }
    // Refused, nothing of this answer is kept (the transaction is not committed).
    auto body = model::ParseProfile(p.profile_json);
    if (!body.ok()) {
      return Status::Corruption("hub profile " + p.unified_id + " (seq " + std::to_string(p.seq) +
                                "): " + body.status().message())
          .WithShown(i18n::Format("hub profile {0} (seq {1}): {2}",
                                  {p.unified_id, std::to_string(p.seq), body.status().shown()}));
    }
    put.Reset();
    put.Bind(1, p.unified_id).Bind(2, p.seq).Bind(3, p.profile_json).Bind(4, now);
    RETURN_IF_ERROR(put.Run());
    for (const auto& id : body->here) {
      link.Reset();
      link.Bind(1, id).Bind(2, p.unified_id);
      RETURN_IF_ERROR(link.Run());
    }
  }
  ASSIGN_OR_RETURN(Statement mark, db.Prepare("UPDATE sync_state SET profile_seq = ?"));
  mark.Bind(1, newest);
  RETURN_IF_ERROR(mark.Run());
  return tx->Commit();
}

Result<int64_t> HeldProfileSeq(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT profile_seq FROM sync_state"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : int64_t{0};
}

Result<std::optional<HeldProfile>> ProfileOfCustomer(Db& db, const std::string& customer_id) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT p.unified_id, p.profile, p.received_at FROM"
                                            " customer_unified c JOIN unified_profiles p USING"
                                            " (unified_id) WHERE c.customer_id = ?"));
  st.Bind(1, customer_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<HeldProfile>();
  auto body = model::ParseProfile(st.Text(1));
  if (!body.ok()) {
    return Status::Corruption("unified profile " + st.Text(0) +
                              " is damaged: " + body.status().message())
        .WithShown(i18n::Format("unified profile {0} is damaged: {1}",
                                {st.Text(0), body.status().shown()}));
  }
  return std::optional<HeldProfile>(HeldProfile{st.Text(0), std::move(body).value(), st.Text(2)});
}

Status RememberHubLink(Db& db, const HubLink& link) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("UPDATE sync_state SET hub_endpoint = ?,"
                                            " hub_key_file = ?, key_file = ?"));
  st.Bind(1, link.endpoint).Bind(2, link.hub_key_file).Bind(3, link.key_file);
  return st.Run();
}

Result<std::optional<HubLink>> RememberedHubLink(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT hub_endpoint, hub_key_file, key_file FROM"
                                            " sync_state WHERE hub_endpoint IS NOT NULL"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<HubLink>();
  return std::optional<HubLink>(
      HubLink{st.Text(0), st.OptionalText(1).value_or(""), st.OptionalText(2).value_or("")});
}

}  // namespace outpost::edge
