// Head office's outreach on SQLite (0012_campaigns.sql; the typed rows of
// 0011_typed_entities.sql and the changes of vehicles for the readings).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "hub/storage/sqlite/parts.h"

namespace outpost::hub::storage::sqlite {
namespace {

KnownBooking ReadKnownBooking(const Statement& st) {
  return {st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6)};
}

constexpr const char* kBookingColumns =
    "booking_id, site, ref, customer_id, status, slot_date, slot_time";

}  // namespace

Result<std::optional<HubSetting>> SqliteCampaignStore::Setting(const std::string& name) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT value, set_at, set_by FROM hub_settings"
                                             " WHERE name = ?"));
  st.Bind(1, name);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<HubSetting>();
  return std::optional<HubSetting>(HubSetting{st.Text(0), st.Text(1), st.Text(2)});
}

Result<std::vector<QueuedAt>> SqliteCampaignStore::Queue(
    const SecretKeys& signer, const std::vector<RequestToQueue>& requests, const std::string& at,
    const std::string& by) {
  std::vector<QueuedAt> queued;
  for (const RequestToQueue& r : requests) {
    ASSIGN_OR_RETURN(int64_t seq, AppendToOutbox(db_, signer, r.site, r.request_json, at, by));
    queued.push_back({r.site, seq});
  }
  return queued;
}

Result<std::vector<QueuedAt>> SqliteCampaignStore::PutSetting(
    const std::string& name, const HubSetting& setting,
    const std::vector<RequestToQueue>& requests) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(
      Statement put,
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

Status SqliteCampaignStore::ForEachCompletedVisit(
    const std::function<Status(const CompletedVisit&)>& visit) {
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare("SELECT b.booking_id, b.site, b.customer_id, coalesce(l.unified_id,"
                  " b.customer_id), b.vehicle_id, v.plate, v.vin, b.service, b.slot_date,"
                  " b.amount_fen FROM hub_bookings b LEFT JOIN identity_links l ON l.record_id ="
                  " b.customer_id LEFT JOIN hub_vehicles v ON v.vehicle_id = b.vehicle_id"
                  " WHERE +b.status = 'completed'"));  // a table scan, not a look-up per row
  CompletedVisit v;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    v.booking_id = st.Text(0);
    v.site = st.Text(1);
    v.customer_id = st.Text(2);
    v.unified_id = st.Text(3);
    v.vehicle_id = st.OptionalText(4);
    v.plate = st.OptionalText(5);
    v.vin = st.OptionalText(6);
    v.service = st.Text(7);
    v.slot_date = st.Text(8);
    v.amount_fen = st.IsNull(9) ? std::nullopt : std::optional<int64_t>(st.Int(9));
    RETURN_IF_ERROR(visit(v));
  }
  return Status::Ok();
}

namespace {
// The typed readings (0012_campaigns.sql), filled behind ingest.
constexpr const char* kReadingsSql = "SELECT vehicle_id, at, km FROM hub_mileage_readings";
}  // namespace

Status SqliteCampaignStore::ForEachMileageReading(
    const std::function<Status(const MileageRow&)>& visit) {
  // One pass over the table as stored: no sort.
  ASSIGN_OR_RETURN(Statement st, db_.Prepare(kReadingsSql));
  MileageRow r;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    r.vehicle_id = st.Text(0);
    r.at = st.Text(1);
    r.km = st.Int(2);
    RETURN_IF_ERROR(visit(r));
  }
  return Status::Ok();
}

Result<std::vector<MileageRow>> SqliteCampaignStore::MileageReadingsOf(
    const std::string& vehicle_id) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare(std::string(kReadingsSql) +
                                             " WHERE vehicle_id = ? ORDER BY at, site, seq"));
  st.Bind(1, vehicle_id);
  return Rows<MileageRow>(st, [](const Statement& row) {
    return MileageRow{row.Text(0), row.Text(1), row.Int(2)};
  });
}

Result<std::vector<MarketingContactRow>> SqliteCampaignStore::MarketingContactsSince(
    const std::string& since) {
  // The stores' messages as synced; head office's own messages the store has
  // not synced back yet (the same entity id once it has); head office's calls
  // that reached the person, by unified id.
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare(
          "SELECT customer_id, at, message_id FROM ("
          " SELECT json_extract(fields, '$.customer_id') AS customer_id,"
          " coalesce(json_extract(fields, '$.sent_at'), json_extract(fields, '$.due_at')) AS at,"
          " entity_id AS message_id FROM entities WHERE entity = 'message' AND"
          " json_extract(fields, '$.purpose') = 'marketing' AND json_extract(fields, '$.status')"
          " IN ('planned', 'delayed', 'sending', 'retrying', 'sent', 'done')"
          " UNION ALL SELECT json_extract(h.fields, '$.customer_id'),"
          " coalesce(json_extract(h.fields, '$.sent_at'), h.next_at), h.message_id"
          " FROM hub_messages h WHERE h.status IN ('planned', 'delayed', 'sending', 'retrying',"
          " 'sent') AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.entity = 'message' AND"
          " e.entity_id = h.message_id)"
          " UNION ALL SELECT unified_id, assigned_at, '' FROM hub_invitations WHERE"
          " handled_by = 'head_office' AND outcome IN ('booked', 'declined'))"
          " WHERE customer_id IS NOT NULL AND at >= ? ORDER BY at"));
  st.Bind(1, since);
  return Rows<MarketingContactRow>(st, [](const Statement& row) {
    return MarketingContactRow{row.Text(0), row.Text(1), row.Text(2)};
  });
}

Result<std::vector<InvitationRow>> SqliteCampaignStore::Invitations() {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare("SELECT invitation_key, unified_id, vehicle_key, due_date, site,"
                               " request_seq, assigned_at, assigned_by, handled_by, outcome, note"
                               " FROM hub_invitations ORDER BY invitation_key"));
  return Rows<InvitationRow>(st, [](const Statement& row) {
    return InvitationRow{row.Text(0), row.Text(1),         row.Text(2),         row.Text(3),
                         row.Text(4), row.Int(5),          row.Text(6),         row.Text(7),
                         row.Text(8), row.OptionalText(9), row.OptionalText(10)};
  });
}

Result<bool> SqliteCampaignStore::InvitationRecorded(const std::string& invitation_key) {
  ASSIGN_OR_RETURN(Statement seen, db_.Prepare("SELECT 1 FROM hub_invitations WHERE"
                                               " invitation_key = ?"));
  seen.Bind(1, invitation_key);
  return seen.Step();
}

Status SqliteCampaignStore::InsertInvitation(const InvitationRow& row, int64_t seq) {
  ASSIGN_OR_RETURN(Statement ins,
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

Result<std::optional<int64_t>> SqliteCampaignStore::AssignInvitation(
    const InvitationRow& row, const std::string& request_json) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(bool already, InvitationRecorded(row.invitation_key));
  if (already) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(int64_t seq, AppendToOutbox(db_, *signer, row.site, request_json,
                                               row.assigned_at, row.assigned_by));
  RETURN_IF_ERROR(InsertInvitation(row, seq));
  RETURN_IF_ERROR(tx->Commit());
  return std::optional<int64_t>(seq);
}

Result<std::optional<int64_t>> SqliteCampaignStore::RecordHeadOfficeCall(
    const InvitationRow& row, const std::string& request_json) {
  return AssignInvitation(row, request_json);  // the same write: row says who made it
}

namespace {
constexpr const char* kHubMessageColumns =
    "message_id, invitation_key, site, status, next_at, fields, request FROM hub_messages";
HubMessageRow ReadHubMessage(const Statement& st) {
  return {st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6)};
}
}  // namespace

Result<bool> SqliteCampaignStore::PlanHeadOfficeMessage(const InvitationRow& row,
                                                        const HubMessageRow& message) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(bool already, InvitationRecorded(row.invitation_key));
  if (already) return false;
  RETURN_IF_ERROR(InsertInvitation(row, 0));
  ASSIGN_OR_RETURN(Statement ins,
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

Result<std::vector<HubMessageRow>> SqliteCampaignStore::HeadOfficeMessagesDue(
    const std::string& now) {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare(std::string("SELECT ") + kHubMessageColumns +
                               " WHERE status IN ('planned', 'delayed', 'sending', 'retrying')"
                               " AND next_at <= ? ORDER BY next_at, message_id"));
  st.Bind(1, now);
  return Rows<HubMessageRow>(st, ReadHubMessage);
}

Result<std::vector<HubMessageRow>> SqliteCampaignStore::HeadOfficeMessages() {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare(std::string("SELECT ") + kHubMessageColumns +
                                             " ORDER BY next_at, message_id"));
  return Rows<HubMessageRow>(st, ReadHubMessage);
}

Result<std::optional<HubMessageRow>> SqliteCampaignStore::HeadOfficeMessage(const std::string& id) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare(std::string("SELECT ") + kHubMessageColumns +
                                             " WHERE message_id = ?"));
  st.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<HubMessageRow>();
  return std::optional<HubMessageRow>(ReadHubMessage(st));
}

Result<bool> SqliteCampaignStore::UpdateHeadOfficeMessage(
    const HubMessageRow& message, const std::optional<RequestToQueue>& tell_store,
    const std::string& outcome, const std::string& at,
    const std::optional<std::string>& only_if_fields) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement up,
                   db_.Prepare("UPDATE hub_messages SET status = ?, next_at = ?,"
                               " fields = ? WHERE message_id = ? AND (? IS NULL OR fields = ?)"));
  up.Bind(1, message.status)
      .Bind(2, message.next_at)
      .Bind(3, message.fields)
      .Bind(4, message.message_id)
      .Bind(5, only_if_fields)
      .Bind(6, only_if_fields);
  RETURN_IF_ERROR(up.Run());
  if (db_.RowsChanged() == 0) return false;  // claimed by another sender first
  int64_t seq = 0;
  if (tell_store) {
    ASSIGN_OR_RETURN(seq, AppendToOutbox(db_, *signer, tell_store->site, tell_store->request_json,
                                         at, "head office sender"));
  }
  ASSIGN_OR_RETURN(Statement inv,
                   db_.Prepare("UPDATE hub_invitations SET request_seq = CASE WHEN"
                               " ? > 0 THEN ? ELSE request_seq END, outcome = CASE WHEN"
                               " ? = '' THEN outcome ELSE ? END"
                               " WHERE invitation_key = ?"));
  inv.Bind(1, seq).Bind(2, seq).Bind(3, outcome).Bind(4, outcome).Bind(5, message.invitation_key);
  RETURN_IF_ERROR(inv.Run());
  RETURN_IF_ERROR(tx->Commit());
  return true;
}

Result<bool> SqliteCampaignStore::RecordReply(ReplyRow& reply,
                                              const std::vector<RequestToQueue>& requests) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement seen, db_.Prepare("SELECT 1 FROM hub_replies WHERE"
                                               " gateway_message_id = ?"));
  seen.Bind(1, reply.gateway_message_id);
  ASSIGN_OR_RETURN(bool already, seen.Step());
  seen.Reset();
  if (already) return false;
  ASSIGN_OR_RETURN(reply.requests, Queue(*signer, requests, reply.recorded_at, "replies"));
  nlohmann::json queued = nlohmann::json::array();
  for (const QueuedAt& q : reply.requests) queued.push_back({{"site", q.site}, {"seq", q.seq}});
  ASSIGN_OR_RETURN(Statement ins,
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

Result<std::vector<ReplyRow>> SqliteCampaignStore::Replies() {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare("SELECT gateway_message_id, sender, text, kind, received_at,"
                               " in_reply_to, recorded_at, outcome, requests FROM hub_replies"
                               " ORDER BY seq"));
  return Rows<ReplyRow>(st, [](const Statement& row) {
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

Result<std::vector<PhoneHolder>> SqliteCampaignStore::PhoneHolders(const std::string& e164) {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare("SELECT p.customer_id, c.site FROM hub_customer_phones p JOIN"
                               " hub_customers c ON c.customer_id = p.customer_id WHERE"
                               " p.phone = ? ORDER BY p.customer_id"));
  st.Bind(1, e164);
  return Rows<PhoneHolder>(st, [](const Statement& row) {
    return PhoneHolder{row.Text(0), row.Text(1)};
  });
}

Result<std::optional<std::string>> SqliteCampaignStore::MessageFields(
    const std::string& message_id) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT fields FROM entities WHERE entity ="
                                             " 'message' AND entity_id = ?"));
  st.Bind(1, message_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

Result<std::optional<KnownBooking>> SqliteCampaignStore::Booking(const std::string& booking_id) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare(std::string("SELECT ") + kBookingColumns +
                                             " FROM hub_bookings WHERE booking_id = ?"));
  st.Bind(1, booking_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<KnownBooking>();
  return std::optional<KnownBooking>(ReadKnownBooking(st));
}

Result<std::vector<KnownBooking>> SqliteCampaignStore::UpcomingBookings(
    const std::vector<std::string>& customer_ids, const std::string& from_date) {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare(std::string("SELECT ") + kBookingColumns +
                               " FROM hub_bookings WHERE customer_id = ? AND status IN"
                               " ('requested', 'confirmed') AND slot_date >= ?"));
  std::vector<KnownBooking> out;
  for (const std::string& id : customer_ids) {
    st.Reset();
    st.Bind(1, id).Bind(2, from_date);
    ASSIGN_OR_RETURN(std::vector<KnownBooking> some, Rows<KnownBooking>(st, ReadKnownBooking));
    out.insert(out.end(), some.begin(), some.end());
  }
  std::sort(out.begin(), out.end(), [](const KnownBooking& a, const KnownBooking& b) {
    return std::tie(a.slot_date, a.slot_time, a.booking_id) <
           std::tie(b.slot_date, b.slot_time, b.booking_id);
  });
  return out;
}

}  // namespace outpost::hub::storage::sqlite
