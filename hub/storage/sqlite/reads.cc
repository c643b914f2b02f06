#include <nlohmann/json.hpp>

#include "hub/storage/sqlite/parts.h"
#include "sync/ids.h"

namespace outpost::hub::storage::sqlite {
namespace {

using nlohmann::json;

Status VisitEntities(Statement& st, const EntityVisitor& visit) {
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    RETURN_IF_ERROR(visit({st.Text(0), st.Text(1), st.Text(2), st.Text(3)}));
  }
}

Result<std::vector<std::string>> Column(Db& db, const std::string& sql, const std::string& arg) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  st.Bind(1, arg);
  return st.TextColumn();
}

// Rows of (entity_id, owner_site) found by `sql` with ?1 = `query` and ?2 = `site`.
Result<std::vector<FoundEntity>> Found(Db& db, const std::string& sql, const std::string& query,
                                       const std::string& site) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  st.Bind(1, query);
  if (!site.empty()) st.Bind(2, site);
  std::vector<FoundEntity> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), std::nullopt, std::nullopt});
  }
  return out;
}

std::optional<std::string> StringOf(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

Result<std::vector<ChangeEntry>> SqliteHubReads::Changes(const std::string& site, int64_t from_seq,
                                                         int64_t to_seq) {
  ASSIGN_OR_RETURN(Statement ch, db_.Prepare(std::string("SELECT ") + kChangeColumns +
                                             " FROM changes WHERE site_id = ? AND seq BETWEEN ?"
                                             " AND ? ORDER BY seq"));
  ch.Bind(1, site).Bind(2, from_seq).Bind(3, to_seq);
  return ReadChangeRows(ch);
}

Result<std::vector<ChangeEntry>> SqliteHubReads::ChangesMatching(const ChangeFilter& filter) {
  return SelectChanges(db_, "changes", filter);
}

Status SqliteHubReads::ForEachEntity(const EntityVisitor& visit) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT entity, entity_id, owner_site, fields FROM"
                                             " entities ORDER BY entity, entity_id"));
  return VisitEntities(st, visit);
}

Status SqliteHubReads::ForEachEntityOf(const std::string& site, const EntityVisitor& visit) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT entity, entity_id, owner_site, fields FROM"
                                             " entities WHERE owner_site = ?"));
  st.Bind(1, site);
  return VisitEntities(st, visit);
}

Result<std::optional<std::string>> SqliteHubReads::CalendarFields(const std::string& site) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT fields FROM entities WHERE entity = 'store'"
                                             " AND entity_id = ?1 AND owner_site = ?1"));
  st.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  std::string fields = st.Text(0);
  st.Reset();
  return std::optional<std::string>(std::move(fields));
}

Result<std::optional<SignedHead>> SqliteHubReads::NewestHead() {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT id, head, head_signature FROM batch_archive"
                                             " ORDER BY id DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<SignedHead>();
  SignedHead h;
  h.index = st.Int(0);
  h.head = ToHash(st.Blob(1));
  h.signature = ToBytes<64>(st.Blob(2));
  st.Reset();
  return std::optional<SignedHead>(h);
}

Result<std::vector<HubLogEntry>> SqliteHubReads::HubLog(int64_t after, int64_t limit) {
  ASSIGN_OR_RETURN(Statement log, db_.Prepare("SELECT id, site_id, first_seq, last_seq,"
                                              " envelope_hash FROM batch_archive WHERE id > ?"
                                              " ORDER BY id LIMIT ?"));
  log.Bind(1, after).Bind(2, limit);
  std::vector<HubLogEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, log.Step());
    if (!row) break;
    out.push_back({log.Int(0), log.Text(1), log.Int(2), log.Int(3), ToHash(log.Blob(4))});
  }
  return out;
}

Result<std::vector<FoundEntity>> SqliteHubReads::BookingsNamed(const std::string& site,
                                                               const std::string& query,
                                                               int limit) {
  ASSIGN_OR_RETURN(Statement find,
                   db_.Prepare("SELECT entity_id, json_extract(fields, '$.ref') FROM entities"
                               " WHERE entity = 'booking' AND owner_site = ?1 AND"
                               " ((entity_id >= ?2 AND entity_id < ?2 || 'g' AND length(?2) >= 6)"
                               " OR (length(?2) BETWEEN 6 AND 12 AND entity_id LIKE '%' || ?2)"
                               " OR json_extract(fields, '$.ref') = ?2) LIMIT ?3"));
  find.Bind(1, site).Bind(2, query).Bind(3, int64_t{limit});
  std::vector<FoundEntity> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, find.Step());
    if (!row) break;
    out.push_back({find.Text(0), site, find.OptionalText(1), std::nullopt});
  }
  return out;
}

Result<std::vector<FoundEntity>> SqliteHubReads::CasesNamed(const std::string& query,
                                                            const std::string& site) {
  // Case refs (C-YYMMDD-N) are counted per store: two stores can each have one.
  ASSIGN_OR_RETURN(Statement find,
                   db_.Prepare("SELECT entity_id, owner_site, json_extract(fields, '$.ref'),"
                               " json_extract(fields, '$.status') FROM entities WHERE entity ="
                               " 'case' AND (json_extract(fields, '$.ref') = ?1 OR entity_id = ?1)"
                               " AND (?2 = '' OR owner_site = ?2) ORDER BY owner_site"));
  find.Bind(1, query).Bind(2, site);
  std::vector<FoundEntity> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, find.Step());
    if (!row) break;
    out.push_back({find.Text(0), find.Text(1), find.OptionalText(2), find.OptionalText(3)});
  }
  return out;
}

Result<std::vector<FoundEntity>> SqliteHubReads::BookingsWithRef(const std::string& ref,
                                                                 const std::string& site) {
  return Found(db_,
               std::string("SELECT entity_id, owner_site FROM entities WHERE entity = 'booking'"
                           " AND json_extract(fields, '$.ref') = ?1") +
                   (site.empty() ? "" : " AND owner_site = ?2"),
               ref, site);
}

Result<std::vector<FoundEntity>> SqliteHubReads::BookingsWithId(const std::string& query,
                                                                const std::string& site) {
  return Found(db_,
               "SELECT entity_id, owner_site FROM entities WHERE entity = 'booking' AND " +
                   IdMatchSql("entity_id") + (site.empty() ? "" : " AND owner_site = ?2"),
               query, site);
}

Result<std::vector<std::string>> SqliteHubReads::CustomersWithId(const std::string& query) {
  return Column(
      db_,
      "SELECT entity_id FROM entities WHERE entity = 'customer' AND " + IdMatchSql("entity_id"),
      query);
}

Result<std::vector<std::string>> SqliteHubReads::CustomersWithPhone(const std::string& e164) {
  return Column(db_,
                "SELECT entity_id FROM entities WHERE entity = 'customer' AND"
                " instr(fields, '\"' || ? || '\"') > 0",
                e164);
}

Result<std::vector<std::string>> SqliteHubReads::RecordsOfUnified(const std::string& unified_id) {
  return Column(db_, "SELECT record_id FROM identity_links WHERE unified_id = ?", unified_id);
}

Result<std::vector<std::string>> SqliteHubReads::RecordsLinkedWith(const std::string& record) {
  return Column(db_,
                "SELECT l2.record_id FROM identity_links l1 JOIN identity_links l2"
                " USING (unified_id) WHERE l1.record_id = ?",
                record);
}

Result<std::vector<StoreOverview>> SqliteHubReads::StoreOverviews() {
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare("SELECT s.site_id, s.key_id, c.last_seq, c.last_contact,"
                  " c.last_batch_at, c.last_hash, (SELECT count(*) FROM hub_outbox o"
                  " WHERE o.site_id = s.site_id), c.applied_push_seq, c.reported_seq,"
                  " c.resent_changes, h.denied_at, h.denied_by, h.denied_reason, (SELECT count(*)"
                  " FROM entities r WHERE r.entity = 'request' AND r.owner_site ="
                  " s.site_id AND json_extract(r.fields, '$.outcome') = 'refused'),"
                  " c.clock_skew_ms"
                  " FROM stores s JOIN store_cursors c USING (site_id)"
                  " LEFT JOIN store_key_history h ON h.site_id = s.site_id AND"
                  " h.key_id = s.key_id ORDER BY s.site_id"));
  std::vector<StoreOverview> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    StoreOverview s;
    s.cursor.site = st.Text(0);
    s.key_id = st.Text(1);
    s.cursor.last_seq = st.Int(2);
    s.cursor.last_contact = st.OptionalText(3);
    s.cursor.last_batch_at = st.OptionalText(4);
    s.cursor.last_hash = ToHash(st.Blob(5));  // zeros until the store's first batch is applied
    s.queued_requests = st.Int(6);
    s.cursor.applied_push_seq = st.Int(7);
    s.cursor.reported_seq = st.Int(8);
    s.cursor.resent_changes = st.Int(9);
    s.denied_at = st.OptionalText(10);
    s.denied_by = st.Text(11);
    s.denied_reason = st.Text(12);
    s.refused_requests = st.Int(13);
    if (!st.IsNull(14)) s.cursor.clock_skew_ms = st.Int(14);
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<RequestRow>> SqliteHubReads::Requests(const std::string& site) {
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare(
          "SELECT o.seq, o.request, o.created_at, (SELECT json_object('entity', e.entity, 'id',"
          " e.entity_id, 'ref', json_extract(e.fields, '$.ref'), 'status', json_extract(e.fields,"
          " '$.status'), 'needs_reschedule', json_extract(e.fields, '$.needs_reschedule'))"
          " FROM changes c JOIN entities e"
          " ON e.entity = c.entity AND e.entity_id = c.entity_id WHERE c.site_id = o.site_id AND"
          " c.entity IN ('booking', 'case') AND json_extract(c.fields, '$.hub_request_seq') ="
          " o.seq ORDER BY c.entity = 'case' DESC, c.seq DESC LIMIT 1), c.applied_push_seq,"
          " (SELECT json_extract(r.fields, '$.outcome') FROM entities r WHERE r.entity ="
          " 'request' AND r.entity_id = o.site_id || ':' || o.seq), (SELECT"
          " json_extract(r.fields, '$.reason') FROM entities r WHERE r.entity = 'request' AND"
          " r.entity_id = o.site_id || ':' || o.seq) FROM hub_outbox o JOIN store_cursors c ON"
          " c.site_id = o.site_id WHERE o.site_id = ? ORDER BY o.seq"));
  st.Bind(1, site);
  std::vector<RequestRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    RequestRow r;
    r.seq = st.Int(0);
    r.request_json = st.Text(1);
    r.created_at = st.Text(2);
    if (auto effect_json = st.OptionalText(3)) {
      const json effect = json::parse(*effect_json, nullptr, false);
      if (effect.is_object()) {
        RequestEffect e;
        e.entity = StringOf(effect, "entity").value_or("");
        e.entity_id = StringOf(effect, "id").value_or("");
        e.ref = StringOf(effect, "ref");
        e.status = StringOf(effect, "status");
        const json& lost = effect["needs_reschedule"];
        e.needs_reschedule =
            (lost.is_boolean() && lost.get<bool>()) || (lost.is_number() && lost != 0);
        r.effect = std::move(e);
      }
    }
    r.store_applied_seq = st.Int(4);
    // Both logged, or no answer (as "outcome:reason" was NULL when either was).
    if (!st.IsNull(5) && !st.IsNull(6)) r.answer = RequestAnswer{st.Text(5), st.Text(6)};
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<BoardBooking>> SqliteHubReads::BookingsOn(const std::string& site,
                                                             const std::string& date) {
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare("SELECT json_extract(b.fields, '$.slot_time'),"
                  " json_extract(b.fields, '$.ref'), json_extract(b.fields, '$.status'),"
                  " json_extract(b.fields, '$.channel'),"
                  " coalesce(json_extract(b.fields, '$.needs_reschedule'), 0),"
                  " coalesce(json_extract(c.fields, '$.name'), '?') FROM entities b"
                  " LEFT JOIN entities c ON c.entity = 'customer' AND c.entity_id ="
                  " json_extract(b.fields, '$.customer_id') WHERE b.entity = 'booking'"
                  " AND b.owner_site = ? AND json_extract(b.fields, '$.slot_date') = ?"
                  " ORDER BY json_extract(b.fields, '$.created_at'), b.entity_id"));
  st.Bind(1, site).Bind(2, date);
  std::vector<BoardBooking> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(5), st.Int(4) != 0});
  }
  return out;
}

Result<std::vector<EntityFields>> SqliteHubReads::Cases(const std::string& site) {
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare("SELECT entity, entity_id, owner_site, fields FROM entities WHERE entity ="
                  " 'case' AND (?1 = '' OR owner_site = ?1) ORDER BY json_extract(fields,"
                  " '$.opened_at') DESC"));
  st.Bind(1, site);
  std::vector<EntityFields> out;
  RETURN_IF_ERROR(VisitEntities(st, [&](const EntityFields& e) {
    out.push_back(e);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<EntityFields>> SqliteHubReads::HeadOfficeTasks() {
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare("SELECT entity, entity_id, owner_site, fields FROM entities WHERE entity ="
                  " 'task' AND json_extract(fields, '$.owner') = 'head_office' AND"
                  " json_extract(fields, '$.status') IN ('open', 'returned') ORDER BY"
                  " json_extract(fields, '$.due_by'), owner_site, entity_id"));
  std::vector<EntityFields> out;
  RETURN_IF_ERROR(VisitEntities(st, [&](const EntityFields& e) {
    out.push_back(e);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<EntityFields>> SqliteHubReads::TasksNamed(const std::string& query, int limit) {
  // A suffix as staff type it: the id's last characters (no LIKE wildcards in ids).
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare("SELECT entity, entity_id, owner_site, fields FROM entities WHERE entity ="
                  " 'task' AND (entity_id = ?1 OR substr(entity_id, -length(?1)) = ?1) ORDER BY"
                  " owner_site, entity_id LIMIT ?2"));
  st.Bind(1, query).Bind(2, static_cast<int64_t>(limit));
  std::vector<EntityFields> out;
  RETURN_IF_ERROR(VisitEntities(st, [&](const EntityFields& e) {
    out.push_back(e);
    return Status::Ok();
  }));
  return out;
}

Result<int64_t> SqliteHubReads::CountChangesRecorded(const std::string& site,
                                                     const std::string& from,
                                                     const std::string& before) {
  ASSIGN_OR_RETURN(Statement count, db_.Prepare("SELECT count(*) FROM changes WHERE site_id = ?"
                                                " AND recorded_at >= ? AND recorded_at < ?"));
  count.Bind(1, site).Bind(2, from).Bind(3, before);
  ASSIGN_OR_RETURN(bool row, count.Step());
  const int64_t n = row ? count.Int(0) : 0;
  count.Reset();
  return n;
}

Result<std::vector<PaperImportRow>> SqliteHubReads::PaperImports(const std::string& site,
                                                                 const std::string& since) {
  ASSIGN_OR_RETURN(Statement paper,
                   db_.Prepare("SELECT coalesce(json_extract(fields, '$.import_batch'), '?'),"
                               " count(*), min(recorded_at), group_concat(json_extract(fields,"
                               " '$.form_id'), ' ') FROM changes WHERE site_id = ? AND entity ="
                               " 'booking' AND op = 'insert' AND json_extract(fields,"
                               " '$.channel') = 'paper' AND recorded_at >= ? GROUP BY 1"
                               " ORDER BY 3"));
  paper.Bind(1, site).Bind(2, since);
  std::vector<PaperImportRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, paper.Step());
    if (!row) break;
    out.push_back({paper.Text(0), paper.Int(1), paper.Text(2), paper.Text(3)});
  }
  return out;
}

Result<CaseActivity> SqliteHubReads::CaseActivitySince(const std::string& site,
                                                       const std::string& since) {
  ASSIGN_OR_RETURN(Statement cases,
                   db_.Prepare("SELECT sum(op = 'insert'), sum(op = 'update' AND"
                               " json_extract(fields, '$.status') = 'resolved') FROM changes"
                               " WHERE site_id = ? AND entity = 'case' AND recorded_at >= ?"));
  cases.Bind(1, site).Bind(2, since);
  ASSIGN_OR_RETURN(bool row, cases.Step());
  CaseActivity activity;
  activity.opened = row && !cases.IsNull(0) ? cases.Int(0) : 0;
  activity.resolved = row && !cases.IsNull(1) ? cases.Int(1) : 0;
  cases.Reset();
  return activity;
}

Status SqliteHubReads::ForEachMonthBooking(const std::string& site, const std::string& from_date,
                                           const std::string& to_date,
                                           const MonthBookingVisitor& visit) {
  // Two ranges, each read by its own index (0015_month_report.sql): the
  // slots in the range, then those asked for in it whose slot is not.
  const std::string columns =
      "SELECT site, channel, coalesce(requested_at, created_at), slot_date, slot_time, status,"
      " arrived_at IS NOT NULL, cancelled_at, moved_here FROM hub_bookings";
  const std::string of_site = site.empty() ? "" : " AND site = ?3";
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare(columns + " WHERE slot_date >= ?1 AND slot_date < ?2" + of_site + " UNION ALL " +
                  columns + " WHERE requested_at >= ?1 AND requested_at < ?2" +
                  " AND NOT (slot_date >= ?1 AND slot_date < ?2)" + of_site));
  st.Bind(1, from_date).Bind(2, to_date);
  if (!site.empty()) st.Bind(3, site);
  MonthBookingRow b;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    b.site = st.Text(0);
    b.channel = st.Text(1);
    b.requested_at = st.Text(2);
    b.slot_date = st.Text(3);
    b.slot_time = st.Text(4);
    b.status = st.Text(5);
    b.arrived = st.Int(6) != 0;
    b.cancelled_at = st.OptionalText(7);
    b.moved_here = st.Int(8) != 0;
    RETURN_IF_ERROR(visit(b));
  }
}

namespace {

Result<std::vector<ContactRow>> ContactRows(Statement& st) {
  std::vector<ContactRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back({st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)});
  }
}

}  // namespace

Result<std::vector<ContactRow>> SqliteHubReads::StoreContactsMade(const std::string& from,
                                                                  const std::string& to) {
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare("SELECT site, id, at, status, outcome, '' FROM (SELECT owner_site AS site,"
                  " entity_id AS id, coalesce(json_extract(fields, '$.sent_at'),"
                  " json_extract(fields, '$.updated_at'), json_extract(fields, '$.planned_at'))"
                  " AS at, json_extract(fields, '$.status') AS status,"
                  " coalesce(json_extract(fields, '$.outcome'), '') AS outcome FROM entities"
                  " WHERE entity = 'message' AND json_extract(fields, '$.purpose') = 'marketing'"
                  " AND json_extract(fields, '$.status') IN ('sent', 'done'))"
                  " WHERE at >= ? AND at < ? ORDER BY id"));
  st.Bind(1, from).Bind(2, to);
  return ContactRows(st);
}

Result<std::vector<ContactRow>> SqliteHubReads::HeadOfficeContactsMade(const std::string& from,
                                                                       const std::string& to) {
  ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare("SELECT site, message_id, at, 'sent', '', '' FROM (SELECT site, message_id,"
                  " coalesce(json_extract(fields, '$.sent_at'), next_at) AS at FROM hub_messages"
                  " WHERE status = 'sent') WHERE at >= ?1 AND at < ?2"
                  " UNION ALL SELECT i.site, '', i.assigned_at, 'done', i.outcome,"
                  " coalesce(o.request, '') FROM hub_invitations i LEFT JOIN hub_outbox o ON"
                  " o.site_id = i.site AND o.seq = i.request_seq WHERE i.handled_by ="
                  " 'head_office' AND i.outcome IN ('booked', 'declined', 'unreachable') AND"
                  " i.assigned_at >= ?1 AND i.assigned_at < ?2 ORDER BY 3, 2"));
  st.Bind(1, from).Bind(2, to);
  return ContactRows(st);
}

Result<std::vector<std::string>> SqliteHubReads::EntitiesPresent(
    const std::string& entity, const std::vector<std::string>& ids) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT 1 FROM entities WHERE entity = ? AND"
                                             " entity_id = ?"));
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    st.Reset();
    st.Bind(1, entity).Bind(2, id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) out.push_back(id);
  }
  return out;
}

Status SqliteHubReads::ForEachEntityOfKind(const std::string& entity, const EntityVisitor& visit) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT entity, entity_id, owner_site, fields FROM"
                                             " entities WHERE entity = ? ORDER BY entity_id"));
  st.Bind(1, entity);
  return VisitEntities(st, visit);
}

}  // namespace outpost::hub::storage::sqlite
