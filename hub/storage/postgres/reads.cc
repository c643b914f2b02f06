// Head office's typed reads on PostgreSQL, twins of hub/storage/sqlite/reads.cc:
// the same rows in the same order, byte for byte.
//
// How SQLite's SQL is carried over (the schema: schema/migrations/hub_pg/):
//   * json_extract(fields, '$.x') is (fields::jsonb ->> 'x'): the same text for
//     strings and numbers; a JSON boolean comes as 'true'/'false' where SQLite
//     gives 1/0 (JsonTrue reads it as SQLite's integer would be read).
//   * Values extracted from JSON carry the database's collation, not the
//     columns' "C": where their order counts (ORDER BY, a range) they say
//     COLLATE "C", SQLite's BINARY.
//   * SQLite sorts NULL first ascending and last descending; PostgreSQL the
//     reverse, so every ORDER BY on a value that may be NULL says which.
//   * Where SQLite had no ORDER BY, its rows came in the order of the key it
//     scanned (entities by (entity, entity_id)); that order is written out.
//   * SQLite's LIKE ignores ASCII case and has no escape character: ILIKE (the
//     columns are "C", so it folds ASCII only) with ESCAPE ''.
//   * pg.h numbers only plain `?` placeholders: a value used several times is
//     either bound several times or selected once as q.v.
#include <libpq-fe.h>

#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "hub/storage/postgres/parts.h"

namespace outpost::hub::storage::postgres {
namespace {

using nlohmann::json;

// `sql` with each `column::jsonb` read as replace(column, '\u0000',
// '\ufffd')::jsonb. PostgreSQL refuses JSON holding \u0000 (its text cannot
// hold NUL) where SQLite's json_extract reads it: one such value sent by a
// store would fail every read over its rows, so here it reads as U+FFFD (so
// would an escaped backslash followed by "u0000", a price paid for never
// failing). All SQL of this file goes through it (Prepare and Stream below).
std::string NulSafeJson(std::string_view sql) {
  constexpr std::string_view kCast = "::jsonb";
  std::string out;
  size_t done = 0;
  for (size_t cast = sql.find(kCast); cast != std::string_view::npos;
       cast = sql.find(kCast, cast + kCast.size())) {
    size_t start = cast;
    while (start > done && (std::isalnum(static_cast<unsigned char>(sql[start - 1])) ||
                            sql[start - 1] == '_' || sql[start - 1] == '.')) {
      --start;
    }
    out.append(sql.substr(done, start - done));
    out.append("replace(").append(sql.substr(start, cast - start));
    out.append(", '\\u0000', '\\ufffd')");
    done = cast;  // the cast itself is copied with what follows
  }
  out.append(sql.substr(done));
  return out;
}

Result<PgStatement> Prepare(PgConnection& db, std::string_view sql) {
  return db.Prepare(NulSafeJson(sql));
}

// The query text as one value, q.v, for a statement that uses it many times.
// Its `?` comes before any other, so the query is parameter 1.
constexpr const char* kQueryValue = "(SELECT CAST(? AS text) AS v) AS q";

// sync/ids.h IdMatchSql on PostgreSQL, against q.v: the id itself, an id it
// begins (at least the whole prefix), or up to 12 characters it ends with.
std::string IdMatchSql(const std::string& column) {
  return "(" + column + " >= q.v AND " + column + " < q.v || 'g' OR (length(q.v) <= 12 AND " +
         column + " ILIKE '%' || q.v ESCAPE ''))";
}

// A JSON value extracted as text, read as SQLite reads json_extract's value
// as an integer: true 1, false 0, a number its integer part, NULL or a word 0.
bool JsonTrue(const std::optional<std::string>& text) {
  if (!text || *text == "false") return false;
  if (*text == "true") return true;
  return std::strtoll(text->c_str(), nullptr, 10) != 0;
}

Status VisitEntities(PgStatement& st, const EntityVisitor& visit) {
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    RETURN_IF_ERROR(visit({st.Text(0), st.Text(1), st.Text(2), st.Text(3)}));
  }
}

Result<std::vector<EntityFields>> EntityList(PgConnection& db, const std::string& sql,
                                             const std::function<void(PgStatement&)>& bind) {
  ASSIGN_OR_RETURN(PgStatement st, Prepare(db, sql));
  bind(st);
  std::vector<EntityFields> out;
  RETURN_IF_ERROR(VisitEntities(st, [&](const EntityFields& e) {
    out.push_back(e);
    return Status::Ok();
  }));
  return out;
}

// Streams the rows of `sql` through a server-side cursor, which lives in a
// transaction: the caller's read scope when it holds one, otherwise a read
// transaction of its own for the length of the loop (one snapshot, as
// SQLite's statement reads one).
Status Stream(PgConnection& db, const std::string& sql,
              const std::function<void(PgStatement&)>& bind,
              const std::function<Status(const PgRow&)>& visit) {
  std::unique_ptr<PgTransaction> own;
  if (PQtransactionStatus(db.raw()) == PQTRANS_IDLE) {
    ASSIGN_OR_RETURN(own, PgTransaction::BeginRead(db));
  }
  RETURN_IF_ERROR(db.ForEachRow(NulSafeJson(sql), bind, visit));
  return own ? own->Commit() : Status::Ok();
}

Status StreamEntities(PgConnection& db, const std::string& sql,
                      const std::function<void(PgStatement&)>& bind, const EntityVisitor& visit) {
  return Stream(db, sql, bind, [&](const PgRow& row) {
    return visit({row.Text(0), row.Text(1), row.Text(2), row.Text(3)});
  });
}

Result<std::vector<std::string>> Column(PgConnection& db, const std::string& sql,
                                        const std::string& arg) {
  ASSIGN_OR_RETURN(PgStatement st, Prepare(db, sql));
  st.Bind(1, arg);
  return st.TextColumn();
}

// Rows of (entity_id, owner_site) found by `sql` with parameter 1 = `query`
// and, when `site` is not empty, parameter 2 = `site`.
Result<std::vector<FoundEntity>> Found(PgConnection& db, const std::string& sql,
                                       const std::string& query, const std::string& site) {
  ASSIGN_OR_RETURN(PgStatement st, Prepare(db, sql));
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

Result<std::vector<ChangeEntry>> PgHubReads::Changes(const std::string& site, int64_t from_seq,
                                                     int64_t to_seq) {
  ASSIGN_OR_RETURN(PgStatement ch,
                   Prepare(db_, std::string("SELECT ") + kChangeColumns +
                                    " FROM changes WHERE site_id = ? AND seq BETWEEN ?"
                                    " AND ? ORDER BY seq"));
  ch.Bind(1, site).Bind(2, from_seq).Bind(3, to_seq);
  return ReadChangeRowsOf(ch);
}

Result<std::vector<ChangeEntry>> PgHubReads::ChangesMatching(const ChangeFilter& filter) {
  // sync/changelog.cc SelectChanges on the hub's `changes`.
  std::string where;
  std::vector<std::string> args;
  auto add = [&](const std::string& condition) {
    where += (where.empty() ? " WHERE " : " AND ") + condition;
  };
  if (!filter.entities.empty()) {
    std::string marks;
    for (const auto& entity : filter.entities) {
      marks += marks.empty() ? "?" : ", ?";
      args.push_back(entity);
    }
    add("entity IN (" + marks + ")");
  }
  const std::pair<const std::optional<std::string>*, const char*> parts[] = {
      {&filter.entity_id, "entity_id = ?"},
      {&filter.op, "op = ?"},
      {&filter.fields_contain, "strpos(fields, ?) > 0"},
      {&filter.recorded_from, "recorded_at >= ?"},
      {&filter.recorded_before, "recorded_at < ?"},
  };
  for (const auto& [value, condition] : parts) {
    if (!*value) continue;
    add(condition);
    args.push_back(**value);
  }
  // Ties of clock and site (a store's clock never repeats, so only in made-up
  // logs) in SQLite's scan order: by seq.
  ASSIGN_OR_RETURN(PgStatement st,
                   Prepare(db_, std::string("SELECT ") + kChangeColumns + " FROM changes" + where +
                                    " ORDER BY hlc, site_id, seq"));
  for (size_t i = 0; i < args.size(); ++i) st.Bind(static_cast<int>(i + 1), args[i]);
  return ReadChangeRowsOf(st);
}

Status PgHubReads::ForEachEntity(const EntityVisitor& visit) {
  return StreamEntities(
      db_,
      "SELECT entity, entity_id, owner_site, fields FROM entities"
      " ORDER BY entity, entity_id",
      [](PgStatement&) {}, visit);
}

Status PgHubReads::ForEachEntityOf(const std::string& site, const EntityVisitor& visit) {
  return StreamEntities(
      db_,
      "SELECT entity, entity_id, owner_site, fields FROM entities"
      " WHERE owner_site = ? ORDER BY entity, entity_id",
      [&](PgStatement& st) { st.Bind(1, site); }, visit);
}

Result<std::optional<std::string>> PgHubReads::CalendarFields(const std::string& site) {
  ASSIGN_OR_RETURN(PgStatement st, Prepare(db_,
                                           "SELECT fields FROM entities WHERE entity = 'store'"
                                           " AND entity_id = ? AND owner_site = ?"));
  st.Bind(1, site).Bind(2, site);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

Result<std::optional<SignedHead>> PgHubReads::NewestHead() {
  ASSIGN_OR_RETURN(PgStatement st, Prepare(db_,
                                           "SELECT id, head, head_signature FROM batch_archive"
                                           " ORDER BY id DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<SignedHead>();
  SignedHead h;
  h.index = st.Int(0);
  h.head = ToHash(st.Blob(1));
  h.signature = ToBytes<64>(st.Blob(2));
  return std::optional<SignedHead>(h);
}

Result<std::vector<HubLogEntry>> PgHubReads::HubLog(int64_t after, int64_t limit) {
  ASSIGN_OR_RETURN(PgStatement log, Prepare(db_,
                                            "SELECT id, site_id, first_seq, last_seq,"
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

Result<std::vector<FoundEntity>> PgHubReads::BookingsNamed(const std::string& site,
                                                           const std::string& query, int limit) {
  ASSIGN_OR_RETURN(
      PgStatement find,
      Prepare(db_, std::string("SELECT e.entity_id, e.fields::jsonb ->> 'ref' FROM entities e, ") +
                       kQueryValue +
                       " WHERE e.entity = 'booking' AND e.owner_site = ? AND"
                       " ((e.entity_id >= q.v AND e.entity_id < q.v || 'g' AND length(q.v) >= 6)"
                       " OR (length(q.v) BETWEEN 6 AND 12 AND e.entity_id ILIKE '%' || q.v"
                       " ESCAPE '') OR (e.fields::jsonb ->> 'ref') = q.v)"
                       " ORDER BY e.entity_id LIMIT ?"));
  find.Bind(1, query).Bind(2, site).Bind(3, int64_t{limit});
  std::vector<FoundEntity> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, find.Step());
    if (!row) break;
    out.push_back({find.Text(0), site, find.OptionalText(1), std::nullopt});
  }
  return out;
}

Result<std::vector<FoundEntity>> PgHubReads::CasesNamed(const std::string& query,
                                                        const std::string& site) {
  // Case refs (C-YYMMDD-N) are counted per store: two stores can each have one.
  ASSIGN_OR_RETURN(
      PgStatement find,
      Prepare(db_, std::string("SELECT e.entity_id, e.owner_site, e.fields::jsonb ->> 'ref',"
                               " e.fields::jsonb ->> 'status' FROM entities e, ") +
                       kQueryValue +
                       " WHERE e.entity = 'case' AND ((e.fields::jsonb ->> 'ref') = q.v OR"
                       " e.entity_id = q.v) AND (CAST(? AS text) = '' OR e.owner_site = ?)"
                       " ORDER BY e.owner_site, e.entity_id"));
  find.Bind(1, query).Bind(2, site).Bind(3, site);
  std::vector<FoundEntity> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, find.Step());
    if (!row) break;
    out.push_back({find.Text(0), find.Text(1), find.OptionalText(2), find.OptionalText(3)});
  }
  return out;
}

Result<std::vector<FoundEntity>> PgHubReads::BookingsWithRef(const std::string& ref,
                                                             const std::string& site) {
  return Found(db_,
               std::string("SELECT entity_id, owner_site FROM entities WHERE entity = 'booking'"
                           " AND (fields::jsonb ->> 'ref') = ?") +
                   (site.empty() ? "" : " AND owner_site = ?") + " ORDER BY entity_id",
               ref, site);
}

Result<std::vector<FoundEntity>> PgHubReads::BookingsWithId(const std::string& query,
                                                            const std::string& site) {
  return Found(db_,
               std::string("SELECT entity_id, owner_site FROM entities, ") + kQueryValue +
                   " WHERE entity = 'booking' AND " + IdMatchSql("entity_id") +
                   (site.empty() ? "" : " AND owner_site = ?") + " ORDER BY entity_id",
               query, site);
}

Result<std::vector<std::string>> PgHubReads::CustomersWithId(const std::string& query) {
  return Column(db_,
                std::string("SELECT entity_id FROM entities, ") + kQueryValue +
                    " WHERE entity = 'customer' AND " + IdMatchSql("entity_id") +
                    " ORDER BY entity_id",
                query);
}

Result<std::vector<std::string>> PgHubReads::CustomersWithPhone(const std::string& e164) {
  return Column(db_,
                "SELECT entity_id FROM entities WHERE entity = 'customer' AND"
                " strpos(fields, '\"' || CAST(? AS text) || '\"') > 0 ORDER BY entity_id",
                e164);
}

Result<std::vector<std::string>> PgHubReads::RecordsOfUnified(const std::string& unified_id) {
  // SQLite gave these in the order they were linked (rowid); callers take them as a set.
  return Column(db_, "SELECT record_id FROM identity_links WHERE unified_id = ? ORDER BY record_id",
                unified_id);
}

Result<std::vector<std::string>> PgHubReads::RecordsLinkedWith(const std::string& record) {
  return Column(db_,
                "SELECT l2.record_id FROM identity_links l1 JOIN identity_links l2"
                " USING (unified_id) WHERE l1.record_id = ? ORDER BY l2.record_id",
                record);
}

Result<std::vector<StoreOverview>> PgHubReads::StoreOverviews() {
  ASSIGN_OR_RETURN(
      PgStatement st,
      Prepare(db_,
              "SELECT s.site_id, s.key_id, c.last_seq, c.last_contact,"
              " c.last_batch_at, c.last_hash, (SELECT count(*) FROM hub_outbox o"
              " WHERE o.site_id = s.site_id), c.applied_push_seq, c.reported_seq,"
              " c.resent_changes, h.denied_at, h.denied_by, h.denied_reason, (SELECT count(*)"
              " FROM entities r WHERE r.entity = 'request' AND r.owner_site ="
              " s.site_id AND (r.fields::jsonb ->> 'outcome') = 'refused'),"
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

namespace {

// What a request's change did (the newest booking or case change that names
// it, a case first), as the JSON object the SQLite twin builds: JSON values
// keep their types (-> not ->>), as json_object keeps json_extract's.
constexpr const char* kRequestEffect =
    "(SELECT jsonb_build_object('entity', e.entity, 'id', e.entity_id, 'ref',"
    " e.fields::jsonb -> 'ref', 'status', e.fields::jsonb -> 'status', 'needs_reschedule',"
    " e.fields::jsonb -> 'needs_reschedule')::text"
    " FROM changes c JOIN entities e ON e.entity = c.entity AND e.entity_id = c.entity_id"
    " WHERE c.site_id = o.site_id AND c.entity IN ('booking', 'case') AND"
    " (c.fields::jsonb -> 'hub_request_seq') = to_jsonb(o.seq)"
    " ORDER BY c.entity = 'case' DESC, c.seq DESC LIMIT 1)";

std::optional<RequestEffect> ParseEffect(const std::optional<std::string>& effect_json) {
  if (!effect_json) return std::nullopt;
  const json effect = json::parse(*effect_json, nullptr, false);
  if (!effect.is_object()) return std::nullopt;
  RequestEffect e;
  e.entity = StringOf(effect, "entity").value_or("");
  e.entity_id = StringOf(effect, "id").value_or("");
  e.ref = StringOf(effect, "ref");
  e.status = StringOf(effect, "status");
  const json& lost = effect["needs_reschedule"];
  e.needs_reschedule = (lost.is_boolean() && lost.get<bool>()) || (lost.is_number() && lost != 0);
  return e;
}

}  // namespace

Result<std::vector<RequestRow>> PgHubReads::Requests(const std::string& site) {
  ASSIGN_OR_RETURN(
      PgStatement st,
      Prepare(db_, std::string("SELECT o.seq, o.request, o.created_at, ") + kRequestEffect +
                       ", c.applied_push_seq, (SELECT r.fields::jsonb ->> 'outcome' FROM entities r"
                       " WHERE r.entity = 'request' AND r.entity_id = o.site_id || ':' || o.seq),"
                       " (SELECT r.fields::jsonb ->> 'reason' FROM entities r WHERE r.entity ="
                       " 'request' AND r.entity_id = o.site_id || ':' || o.seq) FROM hub_outbox o"
                       " JOIN store_cursors c ON c.site_id = o.site_id WHERE o.site_id = ?"
                       " ORDER BY o.seq"));
  st.Bind(1, site);
  std::vector<RequestRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    RequestRow r;
    r.seq = st.Int(0);
    r.request_json = st.Text(1);
    r.created_at = st.Text(2);
    r.effect = ParseEffect(st.OptionalText(3));
    r.store_applied_seq = st.Int(4);
    // Both logged, or no answer (as "outcome:reason" was NULL when either was).
    if (!st.IsNull(5) && !st.IsNull(6)) r.answer = RequestAnswer{st.Text(5), st.Text(6)};
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<BoardBooking>> PgHubReads::BookingsOn(const std::string& site,
                                                         const std::string& date) {
  ASSIGN_OR_RETURN(PgStatement st,
                   Prepare(db_,
                           "SELECT b.fields::jsonb ->> 'slot_time', b.fields::jsonb ->> 'ref',"
                           " b.fields::jsonb ->> 'status', b.fields::jsonb ->> 'channel',"
                           " b.fields::jsonb ->> 'needs_reschedule',"
                           " coalesce(c.fields::jsonb ->> 'name', '?') FROM entities b"
                           " LEFT JOIN entities c ON c.entity = 'customer' AND c.entity_id ="
                           " (b.fields::jsonb ->> 'customer_id') WHERE b.entity = 'booking'"
                           " AND b.owner_site = ? AND (b.fields::jsonb ->> 'slot_date') = ?"
                           " ORDER BY (b.fields::jsonb ->> 'created_at') COLLATE \"C\" NULLS FIRST,"
                           " b.entity_id"));
  st.Bind(1, site).Bind(2, date);
  std::vector<BoardBooking> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(
        {st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(5), JsonTrue(st.OptionalText(4))});
  }
  return out;
}

Result<std::vector<EntityFields>> PgHubReads::Cases(const std::string& site) {
  // Ties in opened_at in the order SQLite scanned them: by id.
  return EntityList(db_,
                    "SELECT entity, entity_id, owner_site, fields FROM entities WHERE entity ="
                    " 'case' AND (CAST(? AS text) = '' OR owner_site = ?) ORDER BY"
                    " (fields::jsonb ->> 'opened_at') COLLATE \"C\" DESC NULLS LAST, entity_id",
                    [&](PgStatement& st) { st.Bind(1, site).Bind(2, site); });
}

Result<std::vector<EntityFields>> PgHubReads::HeadOfficeTasks() {
  return EntityList(db_,
                    "SELECT entity, entity_id, owner_site, fields FROM entities WHERE entity ="
                    " 'task' AND (fields::jsonb ->> 'owner') = 'head_office' AND"
                    " (fields::jsonb ->> 'status') IN ('open', 'returned') ORDER BY"
                    " (fields::jsonb ->> 'due_by') COLLATE \"C\" NULLS FIRST, owner_site,"
                    " entity_id",
                    [](PgStatement&) {});
}

Result<std::vector<EntityFields>> PgHubReads::TasksNamed(const std::string& query, int limit) {
  // A suffix as staff type it: the id's last characters (no LIKE wildcards in
  // ids). An empty query names no task, as SQLite's substr(id, -0) is the whole id.
  return EntityList(
      db_,
      std::string("SELECT entity, entity_id, owner_site, fields FROM entities, ") + kQueryValue +
          " WHERE entity = 'task' AND (entity_id = q.v OR (length(q.v) > 0 AND"
          " right(entity_id, length(q.v)) = q.v)) ORDER BY owner_site, entity_id"
          " LIMIT ?",
      [&](PgStatement& st) { st.Bind(1, query).Bind(2, static_cast<int64_t>(limit)); });
}

Result<int64_t> PgHubReads::CountChangesRecorded(const std::string& site, const std::string& from,
                                                 const std::string& before) {
  ASSIGN_OR_RETURN(PgStatement count, Prepare(db_,
                                              "SELECT count(*) FROM changes WHERE site_id = ?"
                                              " AND recorded_at >= ? AND recorded_at < ?"));
  count.Bind(1, site).Bind(2, from).Bind(3, before);
  ASSIGN_OR_RETURN(bool row, count.Step());
  return row ? count.Int(0) : 0;
}

Result<std::vector<PaperImportRow>> PgHubReads::PaperImports(const std::string& site,
                                                             const std::string& since) {
  // A batch's form ids in the order the store logged them (SQLite's scan order).
  ASSIGN_OR_RETURN(
      PgStatement paper,
      Prepare(db_,
              "SELECT coalesce(fields::jsonb ->> 'import_batch', '?') COLLATE \"C\", count(*),"
              " min(recorded_at), coalesce(string_agg(fields::jsonb ->> 'form_id', ' '"
              " ORDER BY seq), '') FROM changes WHERE site_id = ? AND entity = 'booking'"
              " AND op = 'insert' AND (fields::jsonb ->> 'channel') = 'paper' AND"
              " recorded_at >= ? GROUP BY 1 ORDER BY 3, 1"));
  paper.Bind(1, site).Bind(2, since);
  std::vector<PaperImportRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, paper.Step());
    if (!row) break;
    out.push_back({paper.Text(0), paper.Int(1), paper.Text(2), paper.Text(3)});
  }
  return out;
}

Result<CaseActivity> PgHubReads::CaseActivitySince(const std::string& site,
                                                   const std::string& since) {
  ASSIGN_OR_RETURN(
      PgStatement cases,
      Prepare(db_,
              "SELECT sum(CASE WHEN op = 'insert' THEN 1 ELSE 0 END), sum(CASE WHEN op ="
              " 'update' AND (fields::jsonb ->> 'status') = 'resolved' THEN 1 ELSE 0 END)"
              " FROM changes WHERE site_id = ? AND entity = 'case' AND recorded_at >= ?"));
  cases.Bind(1, site).Bind(2, since);
  ASSIGN_OR_RETURN(bool row, cases.Step());
  CaseActivity activity;
  activity.opened = row && !cases.IsNull(0) ? cases.Int(0) : 0;
  activity.resolved = row && !cases.IsNull(1) ? cases.Int(1) : 0;
  return activity;
}

Status PgHubReads::ForEachMonthBooking(const std::string& site, const std::string& from_date,
                                       const std::string& to_date,
                                       const MonthBookingVisitor& visit) {
  // Two ranges, each read by its own covering index (hub_bookings_month_slot,
  // hub_bookings_month_asked: hub_pg/0002): the slots in the range, then
  // those asked for in it whose slot is not. Rows in no particular order, as
  // on SQLite.
  const std::string columns =
      "SELECT site, channel, coalesce(requested_at, created_at), slot_date, slot_time, status,"
      " CAST(arrived_at IS NOT NULL AS integer), cancelled_at, moved_here FROM hub_bookings";
  const std::string of_site = site.empty() ? "" : " AND site = ?";
  const std::string sql = columns + " WHERE slot_date >= ? AND slot_date < ?" + of_site +
                          " UNION ALL " + columns +
                          " WHERE requested_at >= ? AND requested_at < ?" +
                          " AND NOT (slot_date >= ? AND slot_date < ?)" + of_site;
  auto bind = [&](PgStatement& st) {
    int next = 1;
    for (const std::string* value :
         {&from_date, &to_date, &site, &from_date, &to_date, &from_date, &to_date, &site}) {
      if (value == &site && site.empty()) continue;
      st.Bind(next++, *value);
    }
  };
  MonthBookingRow b;
  return Stream(db_, sql, bind, [&](const PgRow& row) {
    b.site = row.Text(0);
    b.channel = row.Text(1);
    b.requested_at = row.Text(2);
    b.slot_date = row.Text(3);
    b.slot_time = row.Text(4);
    b.status = row.Text(5);
    b.arrived = row.Int(6) != 0;
    b.cancelled_at = row.OptionalText(7);
    b.moved_here = row.Int(8) != 0;
    return visit(b);
  });
}

namespace {

Result<std::vector<ContactRow>> ContactRows(PgStatement& st) {
  std::vector<ContactRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back({st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)});
  }
}

}  // namespace

Result<std::vector<ContactRow>> PgHubReads::StoreContactsMade(const std::string& from,
                                                              const std::string& to) {
  ASSIGN_OR_RETURN(
      PgStatement st,
      Prepare(db_,
              "SELECT site, id, at, status, outcome, '' FROM (SELECT owner_site AS site,"
              " entity_id AS id, coalesce(fields::jsonb ->> 'sent_at',"
              " fields::jsonb ->> 'updated_at', fields::jsonb ->> 'planned_at')"
              " COLLATE \"C\" AS at, fields::jsonb ->> 'status' AS status,"
              " coalesce(fields::jsonb ->> 'outcome', '') AS outcome FROM entities"
              " WHERE entity = 'message' AND (fields::jsonb ->> 'purpose') = 'marketing'"
              " AND (fields::jsonb ->> 'status') IN ('sent', 'done')) AS m"
              " WHERE at >= ? AND at < ? ORDER BY id"));
  st.Bind(1, from).Bind(2, to);
  return ContactRows(st);
}

Result<std::vector<ContactRow>> PgHubReads::HeadOfficeContactsMade(const std::string& from,
                                                                   const std::string& to) {
  ASSIGN_OR_RETURN(
      PgStatement st,
      Prepare(db_,
              "SELECT site, message_id, at, 'sent', '', '' FROM (SELECT site, message_id,"
              " coalesce(fields::jsonb ->> 'sent_at', next_at) COLLATE \"C\" AS at FROM"
              " hub_messages WHERE status = 'sent') AS m WHERE at >= ? AND at < ?"
              " UNION ALL SELECT i.site, '', i.assigned_at, 'done', i.outcome,"
              " coalesce(o.request, '') FROM hub_invitations i LEFT JOIN hub_outbox o ON"
              " o.site_id = i.site AND o.seq = i.request_seq WHERE i.handled_by ="
              " 'head_office' AND i.outcome IN ('booked', 'declined', 'unreachable') AND"
              " i.assigned_at >= ? AND i.assigned_at < ? ORDER BY 3, 2"));
  st.Bind(1, from).Bind(2, to).Bind(3, from).Bind(4, to);
  return ContactRows(st);
}

Result<std::vector<std::string>> PgHubReads::EntitiesPresent(const std::string& entity,
                                                             const std::vector<std::string>& ids) {
  ASSIGN_OR_RETURN(PgStatement st, Prepare(db_,
                                           "SELECT 1 FROM entities WHERE entity = ? AND"
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

Status PgHubReads::ForEachEntityOfKind(const std::string& entity, const EntityVisitor& visit) {
  return StreamEntities(
      db_,
      "SELECT entity, entity_id, owner_site, fields FROM entities"
      " WHERE entity = ? ORDER BY entity_id",
      [&](PgStatement& st) { st.Bind(1, entity); }, visit);
}

}  // namespace outpost::hub::storage::postgres
