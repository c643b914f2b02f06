// Verify's reads on PostgreSQL. Everything it walks whole (the archive, the
// record log, the changes and entities) is read in pages by key, so memory
// stays bounded by a page however large the hub; the caller's read scope
// (HubStorage::BeginFullScan: one REPEATABLE READ snapshot) makes the pages
// one consistent picture.
#include <utility>

#include "hub/storage/postgres/parts.h"
#include "hub/storage/postgres/record_log.h"

namespace outpost::hub::storage::postgres {
namespace {

// The integer columns paged by (every other key column is text).
bool IsIntegerKey(const std::string& column) {
  return column == "id" || column == "seq" || column == "hlc";
}

// The rows of `table` in the order of its unique `keys`, read a page at a
// time: each page starts after the key of the last row of the one before.
// The select list is `columns` followed by the key columns.
class PagedRows {
 public:
  PagedRows(PgConnection& db, std::string columns, std::string table, std::vector<std::string> keys,
            int column_count, int page_rows)
      : db_(db),
        columns_(std::move(columns)),
        table_(std::move(table)),
        keys_(std::move(keys)),
        column_count_(column_count),
        page_rows_(page_rows) {}

  // Moves to the next row; false after the last.
  Result<bool> Next() {
    while (true) {
      if (!page_) {
        if (exhausted_) return false;
        RETURN_IF_ERROR(ReadPage());
      }
      ASSIGN_OR_RETURN(bool row, page_->Step());
      if (row) {
        ++rows_in_page_;
        last_key_.clear();
        for (size_t k = 0; k < keys_.size(); ++k) {
          last_key_.push_back(page_->Text(column_count_ + static_cast<int>(k)));
        }
        return true;
      }
      exhausted_ = rows_in_page_ < page_rows_;  // a short page was the last
      page_.reset();
    }
  }
  const PgStatement& row() const { return *page_; }

 private:
  Status ReadPage() {
    std::string key_list;
    std::string marks;
    for (const std::string& key : keys_) {
      key_list += (key_list.empty() ? "" : ", ") + key;
      // The last key is kept as text; an integer key column casts it back.
      marks += std::string(marks.empty() ? "" : ", ") + (IsIntegerKey(key) ? "?::bigint" : "?");
    }
    std::string sql = "SELECT " + columns_ + ", " + key_list + " FROM " + table_;
    if (!last_key_.empty()) sql += " WHERE (" + key_list + ") > (" + marks + ")";
    sql += " ORDER BY " + key_list + " LIMIT " + std::to_string(page_rows_);
    ASSIGN_OR_RETURN(PgStatement page, db_.Prepare(sql));
    for (size_t k = 0; k < last_key_.size(); ++k) page.Bind(static_cast<int>(k + 1), last_key_[k]);
    page_.emplace(std::move(page));
    rows_in_page_ = 0;
    return Status::Ok();
  }

  PgConnection& db_;
  const std::string columns_;
  const std::string table_;
  const std::vector<std::string> keys_;
  const int column_count_;
  const int page_rows_;
  std::optional<PgStatement> page_;
  int rows_in_page_ = 0;
  std::vector<std::string> last_key_;  // empty before the first page
  bool exhausted_ = false;
};

// A RowCursor over PagedRows, each row made by `make`.
template <typename Row, typename Make>
class PagedCursor : public RowCursor<Row> {
 public:
  PagedCursor(PagedRows rows, Make make) : rows_(std::move(rows)), make_(std::move(make)) {}
  Result<std::optional<Row>> Next() override {
    ASSIGN_OR_RETURN(bool row, rows_.Next());
    if (!row) return std::optional<Row>();
    return std::optional<Row>(make_(rows_.row()));
  }

 private:
  PagedRows rows_;
  Make make_;
};

template <typename Row, typename Make>
std::unique_ptr<RowCursor<Row>> MakeCursor(PagedRows rows, Make make) {
  return std::make_unique<PagedCursor<Row, Make>>(std::move(rows), std::move(make));
}

constexpr int kPageRows = 2000;
// Archived envelopes are large: fewer to a page.
constexpr int kArchivePageRows = 100;

PublicKeys Keys(const std::string& site, const PgStatement& st, int sign_column, int kx_column) {
  PublicKeys keys;
  keys.site_id = site;
  keys.sign_pk = ToBytes<32>(st.Blob(sign_column));
  keys.kx_pk = ToBytes<32>(st.Blob(kx_column));
  return keys;
}

}  // namespace

Result<std::vector<std::string>> PgVerifyReads::IntegrityProblems() {
  // SQLite's integrity_check reads every page; PostgreSQL's equivalent
  // (amcheck, pg_amcheck) is an extension the hub cannot count on and, on a
  // large hub, a long full read of every index. Data checksums, when the
  // cluster has them, make the server itself refuse a damaged page with an
  // error at read time, which verify's reads then report. So nothing more is
  // asked here: a sound answer is an empty list.
  return std::vector<std::string>();
}

Result<std::vector<ChangeEntry>> PgVerifyReads::ChangesFrom(const std::string& site,
                                                            int64_t from_seq, int64_t limit) {
  ASSIGN_OR_RETURN(PgStatement page, db_.Prepare(std::string("SELECT ") + kChangeColumns +
                                                 " FROM changes WHERE site_id = ? AND seq >= ?"
                                                 " ORDER BY seq LIMIT ?"));
  page.Bind(1, site).Bind(2, from_seq).Bind(3, limit);
  return ReadChangeRowsOf(page);
}

Result<std::optional<Hash256>> PgVerifyReads::ChangeHash(const std::string& site, int64_t seq) {
  return ReadChangeHash(db_, site, seq);
}

Status PgVerifyReads::ForEachArchivedBatch(
    const std::function<Status(const ArchivedBatch&)>& visit) {
  PagedRows rows(db_, "site_id, first_seq, last_seq, envelope, envelope_hash, head, head_signature",
                 "batch_archive", {"id"}, 7, kArchivePageRows);
  while (true) {
    ASSIGN_OR_RETURN(bool row, rows.Next());
    if (!row) return Status::Ok();
    const PgStatement& st = rows.row();
    ArchivedBatch b;
    b.id = st.Int(7);
    b.site = st.Text(0);
    b.first_seq = st.Int(1);
    b.last_seq = st.Int(2);
    b.envelope = st.Blob(3);
    b.envelope_hash = ToHash(st.Blob(4));
    b.head = {b.id, ToHash(st.Blob(5)), ToBytes<64>(st.Blob(6))};
    RETURN_IF_ERROR(visit(b));
  }
}

Result<std::vector<KeyHistoryEntry>> PgVerifyReads::KeyHistory() {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT site_id, key_id, sign_pk, kx_pk FROM"
                                               " store_key_history ORDER BY site_id COLLATE"
                                               " \"C\", key_id COLLATE \"C\""));
  return Rows<KeyHistoryEntry>(st, [](const PgStatement& row) {
    return KeyHistoryEntry{row.Text(1), Keys(row.Text(0), row, 2, 3)};
  });
}

Result<std::vector<LiveKey>> PgVerifyReads::LiveKeys() {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT s.site_id, s.key_id, s.sign_pk, s.kx_pk, h.key_id,"
                               " h.sign_pk, h.kx_pk FROM stores s LEFT JOIN store_key_history h"
                               " ON h.site_id = s.site_id AND h.added_at = (SELECT max(added_at)"
                               " FROM store_key_history WHERE site_id = s.site_id)"
                               " ORDER BY s.site_id COLLATE \"C\""));
  return Rows<LiveKey>(st, [](const PgStatement& row) {
    const std::string site = row.Text(0);
    LiveKey live{row.Text(1), Keys(site, row, 2, 3), std::nullopt};
    if (!row.IsNull(4))
      live.newest_in_history = KeyHistoryEntry{row.Text(4), Keys(site, row, 5, 6)};
    return live;
  });
}

Status PgVerifyReads::ForEachRecordLogEntry(
    const std::function<Status(const RecordLogEntry&)>& visit) {
  PagedRows rows(db_, "record, record_key, content_hash, head, head_signature", "record_log",
                 {"seq"}, 5, kPageRows);
  while (true) {
    ASSIGN_OR_RETURN(bool row, rows.Next());
    if (!row) return Status::Ok();
    const PgStatement& st = rows.row();
    RecordLogEntry e{st.Int(5),          st.Text(0),         st.Text(1),
                     ToHash(st.Blob(2)), ToHash(st.Blob(3)), std::nullopt};
    if (!st.IsNull(4)) e.signature = ToBytes<64>(st.Blob(4));
    RETURN_IF_ERROR(visit(e));
  }
}

Status PgVerifyReads::ForEachRecord(
    const std::function<Status(const std::string& record, const std::string& key,
                               const Hash256& content)>& visit) {
  return postgres::ForEachRecord(db_, visit);
}

Result<std::unique_ptr<RowCursor<EntityChange>>> PgVerifyReads::ChangesByEntity() {
  // seq last: the page key must be unique, and (site, seq) is the primary key.
  PagedRows rows(db_, "fields", "changes", {"entity", "entity_id", "hlc", "site_id", "seq"}, 1,
                 kPageRows);
  return MakeCursor<EntityChange>(std::move(rows), [](const PgStatement& row) {
    return EntityChange{row.Text(1), row.Text(2), row.Text(0), static_cast<uint64_t>(row.Int(3)),
                        row.Text(4)};
  });
}

Result<std::unique_ptr<RowCursor<EntityFields>>> PgVerifyReads::EntitiesInOrder() {
  PagedRows rows(db_, "owner_site, fields", "entities", {"entity", "entity_id"}, 2, kPageRows);
  return MakeCursor<EntityFields>(std::move(rows), [](const PgStatement& row) {
    return EntityFields{row.Text(2), row.Text(3), row.Text(0), row.Text(1)};
  });
}

}  // namespace outpost::hub::storage::postgres
