// Head office's outreach on PostgreSQL, the twin of sqlite/campaign_store.cc
// (the tables of hub_pg/0001_hub.sql from 0012_campaigns.sql, the typed rows
// of 0011_typed_entities.sql and the vehicles' mileage readings).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "hub/storage/postgres/parts.h"

namespace outpost::hub::storage::postgres {
namespace {

KnownBooking ReadKnownBooking(const PgStatement& st) {
  return {st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6)};
}

constexpr const char* kBookingColumns =
    "booking_id, site, ref, customer_id, status, slot_date, slot_time";

// Streams the rows of `sql` in pages (a table of millions is never held
// whole), in one snapshot as SQLite's one statement reads one.
Status StreamRows(PgConnection& db, std::string_view sql,
                  const std::function<Status(const PgRow&)>& visit) {
  return db.ForEachRow(
      sql, [](PgStatement&) {}, visit);
}

// A PostgreSQL array literal of `values`: every element quoted, '"' and '\'
// escaped, so any text goes through unchanged.
std::string TextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char ch : values[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace

Result<std::optional<HubSetting>> PgCampaignStore::Setting(const std::string& name) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT value, set_at, set_by FROM hub_settings"
                                               " WHERE name = ?"));
  st.Bind(1, name);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<HubSetting>();
  return std::optional<HubSetting>(HubSetting{st.Text(0), st.Text(1), st.Text(2)});
}

Result<std::vector<QueuedAt>> PgCampaignStore::Queue(const SecretKeys& signer,
                                                     const std::vector<RequestToQueue>& requests,
                                                     const std::string& at, const std::string& by) {
  std::vector<QueuedAt> queued;
  for (const RequestToQueue& r : requests) {
    ASSIGN_OR_RETURN(int64_t seq, AppendToOutbox(db_, signer, r.site, r.request_json, at, by));
    queued.push_back({r.site, seq});
  }
  return queued;
}

Result<std::vector<QueuedAt>> PgCampaignStore::PutSetting(
    const std::string& name, const HubSetting& setting,
    const std::vector<RequestToQueue>& requests) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(
      PgStatement put,
      db_.Prepare("INSERT INTO hub_settings (name, value, set_at, set_by) VALUES"
                  " (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET value ="
                  " excluded.value, set_at = excluded.set_at, set_by = excluded.set_by"));
  put.Bind(1, name).Bind(2, setting.value).Bind(3, setting.set_at).Bind(4, setting.set_by);
  RETURN_IF_ERROR(put.Run());
  ASSIGN_OR_RETURN(std::vector<QueuedAt> queued,
                   Queue(*signer, requests, setting.set_at, setting.set_by));
  RETURN_IF_ERROR(tx->Commit());
  return queued;
}

Status PgCampaignStore::ForEachCompletedVisit(
    const std::function<Status(const CompletedVisit&)>& visit) {
  CompletedVisit v;
  return StreamRows(
      db_,
      "SELECT b.booking_id, b.site, b.customer_id, coalesce(l.unified_id, b.customer_id),"
      " b.vehicle_id, v.plate, v.vin, b.service, b.slot_date, b.amount_fen FROM hub_bookings b"
      " LEFT JOIN identity_links l ON l.record_id = b.customer_id LEFT JOIN hub_vehicles v ON"
      " v.vehicle_id = b.vehicle_id WHERE b.status = 'completed'",
      [&](const PgRow& row) {
        v.booking_id = row.Text(0);
        v.site = row.Text(1);
        v.customer_id = row.Text(2);
        v.unified_id = row.Text(3);
        v.vehicle_id = row.OptionalText(4);
        v.plate = row.OptionalText(5);
        v.vin = row.OptionalText(6);
        v.service = row.Text(7);
        v.slot_date = row.Text(8);
        v.amount_fen = row.IsNull(9) ? std::nullopt : std::optional<int64_t>(row.Int(9));
        return visit(v);
      });
}

namespace {
// The typed readings (0012_campaigns.sql), filled behind ingest.
constexpr const char* kReadingsSql = "SELECT vehicle_id, at, km FROM hub_mileage_readings";
}  // namespace

Status PgCampaignStore::ForEachMileageReading(
    const std::function<Status(const MileageRow&)>& visit) {
  // One pass over the table as stored: no sort.
  MileageRow r;
  return StreamRows(db_, kReadingsSql, [&](const PgRow& row) {
    r.vehicle_id = row.Text(0);
    r.at = row.Text(1);
    r.km = row.Int(2);
    return visit(r);
  });
}

Result<std::vector<MileageRow>> PgCampaignStore::MileageReadingsOf(const std::string& vehicle_id) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare(std::string(kReadingsSql) +
                                               " WHERE vehicle_id = ? ORDER BY at, site, seq"));
  st.Bind(1, vehicle_id);
  return Rows<MileageRow>(st, [](const PgStatement& row) {
    return MileageRow{row.Text(0), row.Text(1), row.Int(2)};
  });
}

Result<std::vector<MarketingContactRow>> PgCampaignStore::MarketingContactsSince(
    const std::string& since) {
  // The stores' messages as synced; head office's own messages the store has
  // not synced back yet (the same entity id once it has); head office's calls
  // that reached the person, by unified id. Ties on the time in (customer,
  // message) order, so the order never depends on a plan. Fields parsed once
  // per row (OFFSET 0 keeps the LATERAL from being inlined into every use),
  // \u0000 read as U+FFFD: PostgreSQL refuses JSON holding it, and one such
  // message from a store would fail every read (as reads.cc does).
  ASSIGN_OR_RETURN(
      PgStatement st,
      db_.Prepare(
          "SELECT customer_id, at, message_id FROM ("
          " SELECT j ->> 'customer_id' AS customer_id,"
          " coalesce(j ->> 'sent_at', j ->> 'due_at') AS at, entity_id AS message_id"
          " FROM entities CROSS JOIN LATERAL (SELECT replace(fields, '\\u0000', '\\ufffd')::jsonb"
          " AS j OFFSET 0) AS parsed WHERE entity = 'message' AND j ->> 'purpose' = 'marketing'"
          " AND j ->> 'status' IN ('planned', 'delayed', 'sending', 'retrying', 'sent', 'done')"
          " UNION ALL SELECT j ->> 'customer_id', coalesce(j ->> 'sent_at', h.next_at),"
          " h.message_id FROM hub_messages h CROSS JOIN LATERAL (SELECT replace(h.fields,"
          " '\\u0000', '\\ufffd')::jsonb AS j OFFSET 0) AS parsed WHERE h.status IN"
          " ('planned', 'delayed', 'sending', 'retrying', 'sent') AND NOT EXISTS (SELECT 1 FROM"
          " entities e WHERE e.entity = 'message' AND e.entity_id = h.message_id)"
          " UNION ALL SELECT unified_id, assigned_at, '' FROM hub_invitations WHERE"
          " handled_by = 'head_office' AND outcome IN ('booked', 'declined')) AS contacts"
          " WHERE customer_id IS NOT NULL AND at >= ? ORDER BY at, customer_id, message_id"));
  st.Bind(1, since);
  return Rows<MarketingContactRow>(st, [](const PgStatement& row) {
    return MarketingContactRow{row.Text(0), row.Text(1), row.Text(2)};
  });
}

Result<std::vector<InvitationRow>> PgCampaignStore::Invitations() {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT invitation_key, unified_id, vehicle_key, due_date, site,"
                               " request_seq, assigned_at, assigned_by, handled_by, outcome, note"
                               " FROM hub_invitations ORDER BY invitation_key"));
  return Rows<InvitationRow>(st, [](const PgStatement& row) {
    return InvitationRow{row.Text(0), row.Text(1),         row.Text(2),         row.Text(3),
                         row.Text(4), row.Int(5),          row.Text(6),         row.Text(7),
                         row.Text(8), row.OptionalText(9), row.OptionalText(10)};
  });
}

Result<bool> PgCampaignStore::InvitationRecorded(const std::string& invitation_key) {
  ASSIGN_OR_RETURN(PgStatement seen, db_.Prepare("SELECT 1 FROM hub_invitations WHERE"
                                                 " invitation_key = ?"));
  seen.Bind(1, invitation_key);
  return seen.Step();
}

Status PgCampaignStore::InsertInvitation(const InvitationRow& row, int64_t seq) {
  ASSIGN_OR_RETURN(PgStatement ins,
                   db_.Prepare("INSERT INTO hub_invitations (invitation_key, unified_id,"
                               " vehicle_key, due_date, site, request_seq, assigned_at,"
                               " assigned_by, handled_by, outcome, note) VALUES"
                               " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ins.Bind(1, row.invitation_key)
      .Bind(2, row.unified_id)
      .Bind(3, row.vehicle_key)
      .Bind(4, row.due_date)
      .Bind(5, row.site)
      .Bind(6, seq)
      .Bind(7, row.assigned_at)
      .Bind(8, row.assigned_by)
      .Bind(9, row.handled_by)
      .Bind(10, row.outcome)
      .Bind(11, row.note);
  return ins.Run();
}

Result<std::optional<int64_t>> PgCampaignStore::AssignInvitation(const InvitationRow& row,
                                                                 const std::string& request_json) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(bool already, InvitationRecorded(row.invitation_key));
  if (already) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(int64_t seq, AppendToOutbox(db_, *signer, row.site, request_json,
                                               row.assigned_at, row.assigned_by));
  RETURN_IF_ERROR(InsertInvitation(row, seq));
  RETURN_IF_ERROR(tx->Commit());
  return std::optional<int64_t>(seq);
}

Result<std::optional<int64_t>> PgCampaignStore::RecordHeadOfficeCall(
    const InvitationRow& row, const std::string& request_json) {
  return AssignInvitation(row, request_json);  // the same write: row says who made it
}

namespace {
constexpr const char* kHubMessageColumns =
    "message_id, invitation_key, site, status, next_at, fields, request FROM hub_messages";
HubMessageRow ReadHubMessage(const PgStatement& st) {
  return {st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6)};
}
}  // namespace

Result<bool> PgCampaignStore::PlanHeadOfficeMessage(const InvitationRow& row,
                                                    const HubMessageRow& message) {
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(bool already, InvitationRecorded(row.invitation_key));
  if (already) return false;
  RETURN_IF_ERROR(InsertInvitation(row, 0));
  ASSIGN_OR_RETURN(PgStatement ins,
                   db_.Prepare("INSERT INTO hub_messages (message_id, invitation_key, site,"
                               " status, next_at, fields, request) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  ins.Bind(1, message.message_id)
      .Bind(2, message.invitation_key)
      .Bind(3, message.site)
      .Bind(4, message.status)
      .Bind(5, message.next_at)
      .Bind(6, message.fields)
      .Bind(7, message.request);
  RETURN_IF_ERROR(ins.Run());
  RETURN_IF_ERROR(tx->Commit());
  return true;
}

Result<std::vector<HubMessageRow>> PgCampaignStore::HeadOfficeMessagesDue(const std::string& now) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare(std::string("SELECT ") + kHubMessageColumns +
                               " WHERE status IN ('planned', 'delayed', 'sending', 'retrying')"
                               " AND next_at <= ? ORDER BY next_at, message_id"));
  st.Bind(1, now);
  return Rows<HubMessageRow>(st, ReadHubMessage);
}

Result<std::vector<HubMessageRow>> PgCampaignStore::HeadOfficeMessages() {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare(std::string("SELECT ") + kHubMessageColumns +
                                               " ORDER BY next_at, message_id"));
  return Rows<HubMessageRow>(st, ReadHubMessage);
}

Result<std::optional<HubMessageRow>> PgCampaignStore::HeadOfficeMessage(const std::string& id) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare(std::string("SELECT ") + kHubMessageColumns +
                                               " WHERE message_id = ?"));
  st.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<HubMessageRow>();
  return std::optional<HubMessageRow>(ReadHubMessage(st));
}

Result<bool> PgCampaignStore::UpdateHeadOfficeMessage(
    const HubMessageRow& message, const std::optional<RequestToQueue>& tell_store,
    const std::string& outcome, const std::string& at,
    const std::optional<std::string>& only_if_fields) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(
      PgStatement up,
      db_.Prepare("UPDATE hub_messages SET status = ?, next_at = ?,"
                  " fields = ? WHERE message_id = ? AND (?::text IS NULL OR fields = ?::text)"));
  up.Bind(1, message.status)
      .Bind(2, message.next_at)
      .Bind(3, message.fields)
      .Bind(4, message.message_id)
      .Bind(5, only_if_fields)
      .Bind(6, only_if_fields);
  RETURN_IF_ERROR(up.Run());
  if (up.RowsChanged() == 0) return false;  // claimed by another sender first
  int64_t seq = 0;
  if (tell_store) {
    ASSIGN_OR_RETURN(seq, AppendToOutbox(db_, *signer, tell_store->site, tell_store->request_json,
                                         at, "head office sender"));
  }
  ASSIGN_OR_RETURN(PgStatement inv,
                   db_.Prepare("UPDATE hub_invitations SET request_seq = CASE WHEN"
                               " ?::bigint > 0 THEN ?::bigint ELSE request_seq END, outcome ="
                               " CASE WHEN ?::text = '' THEN outcome ELSE ?::text END"
                               " WHERE invitation_key = ?"));
  inv.Bind(1, seq).Bind(2, seq).Bind(3, outcome).Bind(4, outcome).Bind(5, message.invitation_key);
  RETURN_IF_ERROR(inv.Run());
  RETURN_IF_ERROR(tx->Commit());
  return true;
}

Result<bool> PgCampaignStore::RecordReply(ReplyRow& reply,
                                          const std::vector<RequestToQueue>& requests) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(PgStatement seen, db_.Prepare("SELECT 1 FROM hub_replies WHERE"
                                                 " gateway_message_id = ?"));
  seen.Bind(1, reply.gateway_message_id);
  ASSIGN_OR_RETURN(bool already, seen.Step());
  if (already) return false;
  ASSIGN_OR_RETURN(reply.requests, Queue(*signer, requests, reply.recorded_at, "replies"));
  nlohmann::json queued = nlohmann::json::array();
  for (const QueuedAt& q : reply.requests) queued.push_back({{"site", q.site}, {"seq", q.seq}});
  ASSIGN_OR_RETURN(PgStatement ins,
                   db_.Prepare("INSERT INTO hub_replies (gateway_message_id, sender, text, kind,"
                               " received_at, in_reply_to, recorded_at, outcome, requests)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ins.Bind(1, reply.gateway_message_id)
      .Bind(2, reply.sender)
      .Bind(3, reply.text)
      .Bind(4, reply.kind)
      .Bind(5, reply.received_at)
      .Bind(6, reply.in_reply_to)
      .Bind(7, reply.recorded_at)
      .Bind(8, reply.outcome)
      .Bind(9, queued.dump());
  RETURN_IF_ERROR(ins.Run());
  RETURN_IF_ERROR(tx->Commit());
  return true;
}

Result<std::vector<ReplyRow>> PgCampaignStore::Replies() {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT gateway_message_id, sender, text, kind, received_at,"
                               " in_reply_to, recorded_at, outcome, requests FROM hub_replies"
                               " ORDER BY seq"));
  return Rows<ReplyRow>(st, [](const PgStatement& row) {
    ReplyRow r{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4),
               row.Text(5), row.Text(6), row.Text(7), {}};
    const auto queued = nlohmann::json::parse(row.Text(8), nullptr, false);
    if (queued.is_array()) {
      for (const auto& q : queued) {
        r.requests.push_back({q.value("site", std::string()), q.value("seq", int64_t{0})});
      }
    }
    return r;
  });
}

Result<std::vector<PhoneHolder>> PgCampaignStore::PhoneHolders(const std::string& e164) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT p.customer_id, c.site FROM hub_customer_phones p JOIN"
                               " hub_customers c ON c.customer_id = p.customer_id WHERE"
                               " p.phone = ? ORDER BY p.customer_id"));
  st.Bind(1, e164);
  return Rows<PhoneHolder>(st, [](const PgStatement& row) {
    return PhoneHolder{row.Text(0), row.Text(1)};
  });
}

Result<std::optional<std::string>> PgCampaignStore::MessageFields(const std::string& message_id) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT fields FROM entities WHERE entity ="
                                               " 'message' AND entity_id = ?"));
  st.Bind(1, message_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

Result<std::optional<KnownBooking>> PgCampaignStore::Booking(const std::string& booking_id) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare(std::string("SELECT ") + kBookingColumns +
                                               " FROM hub_bookings WHERE booking_id = ?"));
  st.Bind(1, booking_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<KnownBooking>();
  return std::optional<KnownBooking>(ReadKnownBooking(st));
}

Result<std::vector<KnownBooking>> PgCampaignStore::UpcomingBookings(
    const std::vector<std::string>& customer_ids, const std::string& from_date) {
  // One read for every customer: a customer named twice is read twice, as
  // SQLite's read per customer does.
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT b.booking_id, b.site, b.ref, b.customer_id, b.status,"
                               " b.slot_date, b.slot_time FROM unnest(?::text[]) AS w(id) JOIN"
                               " hub_bookings b ON b.customer_id = w.id WHERE b.status IN"
                               " ('requested', 'confirmed') AND b.slot_date >= ?"));
  st.Bind(1, TextArray(customer_ids)).Bind(2, from_date);
  ASSIGN_OR_RETURN(std::vector<KnownBooking> out, Rows<KnownBooking>(st, ReadKnownBooking));
  std::sort(out.begin(), out.end(), [](const KnownBooking& a, const KnownBooking& b) {
    return std::tie(a.slot_date, a.slot_time, a.booking_id) <
           std::tie(b.slot_date, b.slot_time, b.booking_id);
  });
  return out;
}

}  // namespace outpost::hub::storage::postgres
