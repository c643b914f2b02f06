#include "hub/storage/sqlite/parts.h"
#include "hub/storage/sqlite/record_log.h"

namespace outpost::hub::storage::sqlite {
namespace {

// Rows of a statement the cursor owns, each made by `make`.
template <typename Row, typename Make>
class StatementCursor : public RowCursor<Row> {
 public:
  StatementCursor(Statement st, Make make) : st_(std::move(st)), make_(std::move(make)) {}
  Result<std::optional<Row>> Next() override {
    ASSIGN_OR_RETURN(bool row, st_.Step());
    if (!row) return std::optional<Row>();
    return std::optional<Row>(make_(st_));
  }

 private:
  Statement st_;
  Make make_;
};

template <typename Row, typename Make>
std::unique_ptr<RowCursor<Row>> MakeCursor(Statement st, Make make) {
  return std::make_unique<StatementCursor<Row, Make>>(std::move(st), std::move(make));
}

PublicKeys Keys(const std::string& site, const Statement& st, int sign_column, int kx_column) {
  PublicKeys keys;
  keys.site_id = site;
  keys.sign_pk = ToBytes<32>(st.Blob(sign_column));
  keys.kx_pk = ToBytes<32>(st.Blob(kx_column));
  return keys;
}

}  // namespace

Result<std::vector<std::string>> SqliteVerifyReads::IntegrityProblems() {
  return db_.IntegrityProblems();
}

Result<std::vector<ChangeEntry>> SqliteVerifyReads::ChangesFrom(const std::string& site,
                                                                int64_t from_seq, int64_t limit) {
  ASSIGN_OR_RETURN(Statement page, db_.Prepare(std::string("SELECT ") + kChangeColumns +
                                               " FROM changes WHERE site_id = ? AND seq >= ?"
                                               " ORDER BY seq LIMIT ?"));
  page.Bind(1, site).Bind(2, from_seq).Bind(3, limit);
  return ReadChangeRows(page);
}

Result<std::optional<Hash256>> SqliteVerifyReads::ChangeHash(const std::string& site, int64_t seq) {
  return ReadChangeHash(db_, site, seq);
}

Status SqliteVerifyReads::ForEachArchivedBatch(
    const std::function<Status(const ArchivedBatch&)>& visit) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT id, site_id, first_seq, last_seq, envelope,"
                                             " envelope_hash, head, head_signature"
                                             " FROM batch_archive ORDER BY id"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    ArchivedBatch b;
    b.id = st.Int(0);
    b.site = st.Text(1);
    b.first_seq = st.Int(2);
    b.last_seq = st.Int(3);
    b.envelope = st.Blob(4);
    b.envelope_hash = ToHash(st.Blob(5));
    b.head = {b.id, ToHash(st.Blob(6)), ToBytes<64>(st.Blob(7))};
    RETURN_IF_ERROR(visit(b));
  }
}

Result<std::vector<KeyHistoryEntry>> SqliteVerifyReads::KeyHistory() {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT site_id, key_id, sign_pk, kx_pk FROM"
                                             " store_key_history"));
  std::vector<KeyHistoryEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(1), Keys(st.Text(0), st, 2, 3)});
  }
  return out;
}

Result<std::vector<LiveKey>> SqliteVerifyReads::LiveKeys() {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare("SELECT s.site_id, s.key_id, s.sign_pk, s.kx_pk, h.key_id,"
                               " h.sign_pk, h.kx_pk FROM stores s LEFT JOIN store_key_history h"
                               " ON h.site_id = s.site_id AND h.added_at = (SELECT max(added_at)"
                               " FROM store_key_history WHERE site_id = s.site_id)"
                               " ORDER BY s.site_id"));
  std::vector<LiveKey> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const std::string site = st.Text(0);
    LiveKey live{st.Text(1), Keys(site, st, 2, 3), std::nullopt};
    if (!st.IsNull(4)) live.newest_in_history = KeyHistoryEntry{st.Text(4), Keys(site, st, 5, 6)};
    out.push_back(std::move(live));
  }
  return out;
}

Status SqliteVerifyReads::ForEachRecordLogEntry(
    const std::function<Status(const RecordLogEntry&)>& visit) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT seq, record, record_key, content_hash, head,"
                                             " head_signature FROM record_log ORDER BY seq"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    RecordLogEntry e{st.Int(0),          st.Text(1),         st.Text(2),
                     ToHash(st.Blob(3)), ToHash(st.Blob(4)), std::nullopt};
    if (!st.IsNull(5)) e.signature = ToBytes<64>(st.Blob(5));
    RETURN_IF_ERROR(visit(e));
  }
}

Status SqliteVerifyReads::ForEachRecord(
    const std::function<Status(const std::string& record, const std::string& key,
                               const Hash256& content)>& visit) {
  return sqlite::ForEachRecord(db_, visit);
}

Result<std::unique_ptr<RowCursor<EntityChange>>> SqliteVerifyReads::ChangesByEntity() {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare("SELECT entity, entity_id, fields, hlc, site_id FROM changes"
                               " ORDER BY entity, entity_id, hlc, site_id"));
  return MakeCursor<EntityChange>(std::move(st), [](const Statement& row) {
    return EntityChange{row.Text(0), row.Text(1), row.Text(2), static_cast<uint64_t>(row.Int(3)),
                        row.Text(4)};
  });
}

Result<std::unique_ptr<RowCursor<EntityFields>>> SqliteVerifyReads::EntitiesInOrder() {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT entity, entity_id, owner_site, fields FROM"
                                             " entities ORDER BY entity, entity_id"));
  return MakeCursor<EntityFields>(std::move(st), [](const Statement& row) {
    return EntityFields{row.Text(0), row.Text(1), row.Text(2), row.Text(3)};
  });
}

}  // namespace outpost::hub::storage::sqlite
