#include "hub/storage/postgres/parts.h"

namespace outpost::hub::storage::postgres {
namespace {

constexpr char kCursorColumns[] =
    "site_id, last_seq, last_hash, last_contact, last_batch_at, applied_push_seq, reported_seq,"
    " resent_changes, clock_skew_ms";

StoreCursor CursorRow(const PgStatement& st) {
  StoreCursor c;
  c.site = st.Text(0);
  c.last_seq = st.Int(1);
  c.last_hash = ToHash(st.Blob(2));
  c.last_contact = st.OptionalText(3);
  c.last_batch_at = st.OptionalText(4);
  c.applied_push_seq = st.Int(5);
  c.reported_seq = st.Int(6);
  c.resent_changes = st.Int(7);
  if (!st.IsNull(8)) c.clock_skew_ms = st.Int(8);
  return c;
}

}  // namespace

Result<std::optional<StoreCursor>> ReadCursor(PgConnection& db, const std::string& site) {
  ASSIGN_OR_RETURN(PgStatement st, db.Prepare(std::string("SELECT ") + kCursorColumns +
                                              " FROM store_cursors WHERE site_id = ?"));
  st.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<StoreCursor>();
  StoreCursor cursor = CursorRow(st);
  st.Reset();
  return std::optional<StoreCursor>(std::move(cursor));
}

Result<std::optional<StoreCursor>> PgStoreCursors::Read(const std::string& site) {
  return ReadCursor(db_, site);
}

Result<std::vector<StoreCursor>> PgStoreCursors::List() {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare(std::string("SELECT ") + kCursorColumns +
                               " FROM store_cursors ORDER BY site_id COLLATE \"C\""));
  std::vector<StoreCursor> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(CursorRow(st));
  }
  return out;
}

Result<int64_t> PgStoreCursors::NoteHello(const std::string& site, const std::string& at,
                                          std::optional<int64_t> clock_skew_ms) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("UPDATE store_cursors SET last_contact = ?,"
                                               " clock_skew_ms = ? WHERE site_id = ?"
                                               " RETURNING last_seq"));
  st.Bind(1, at).Bind(3, site);
  if (clock_skew_ms) {
    st.Bind(2, *clock_skew_ms);
  } else {
    st.BindNull(2);
  }
  ASSIGN_OR_RETURN(bool row, st.Step());  // runs the update
  return row ? st.Int(0) : int64_t{0};
}

Status PgStoreCursors::NoteContact(const std::string& site, const std::string& at,
                                   const std::string& extend_from) {
  ASSIGN_OR_RETURN(PgStatement extend,
                   db_.Prepare("UPDATE store_contacts SET to_at = ? WHERE site_id = ? AND"
                               " from_at = (SELECT max(from_at) FROM store_contacts WHERE"
                               " site_id = ?) AND to_at >= ?"));
  extend.Bind(1, at).Bind(2, site).Bind(3, site).Bind(4, extend_from);
  RETURN_IF_ERROR(extend.Run());
  if (extend.RowsChanged() > 0) return Status::Ok();
  ASSIGN_OR_RETURN(PgStatement start, db_.Prepare("INSERT INTO store_contacts (site_id, from_at,"
                                                  " to_at) VALUES (?, ?, ?)"
                                                  " ON CONFLICT DO NOTHING"));
  start.Bind(1, site).Bind(2, at).Bind(3, at);
  return start.Run();
}

Status PgStoreCursors::NoteReportedSeq(const std::string& site, int64_t seq) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("UPDATE store_cursors SET reported_seq ="
                                               " greatest(reported_seq, ?) WHERE site_id = ?"));
  st.Bind(1, seq).Bind(2, site);
  return st.Run();
}

Result<std::vector<ContactStretch>> PgStoreCursors::Stretches(const std::string& site) {
  ASSIGN_OR_RETURN(PgStatement st, db_.Prepare("SELECT from_at, to_at FROM store_contacts"
                                               " WHERE site_id = ? ORDER BY from_at"));
  st.Bind(1, site);
  std::vector<ContactStretch> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1)});
  }
  return out;
}

}  // namespace outpost::hub::storage::postgres
