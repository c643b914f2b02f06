#include "edge/paper_book.h"

#include "edge/day_counters.h"

namespace outpost::edge {

Status WritePaperForm(Db& db, const PaperFormRow& f, OnExisting on_existing) {
  // Two fixed texts, so each stays one pooled prepared statement.
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(on_existing == OnExisting::kFail
                                  ? "INSERT INTO paper_forms (form_id, import_batch, outcome,"
                                    " booking_id, imported_at) VALUES (?, ?, ?, ?, ?)"
                                  : "INSERT INTO paper_forms (form_id, import_batch, outcome,"
                                    " booking_id, imported_at) VALUES (?, ?, ?, ?, ?)"
                                    " ON CONFLICT DO NOTHING"));
  st.Bind(1, f.form_id)
      .Bind(2, f.import_batch)
      .Bind(3, f.outcome)
      .Bind(4, f.booking_id)
      .Bind(5, f.imported_at);
  return st.Run();
}

Result<std::optional<std::pair<std::string, std::string>>> FindPaperForm(
    Db& db, const std::string& form_id) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT f.import_batch, b.ref FROM paper_forms f JOIN bookings b"
                              " ON b.id = f.booking_id WHERE f.form_id = ?"));
  st.Bind(1, form_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  using Found = std::optional<std::pair<std::string, std::string>>;
  if (!row) return Found();
  return Found(std::make_pair(st.Text(0), st.Text(1)));
}

Status WritePaperImport(Db& db, const std::string& batch_id, const std::string& file_name,
                        const std::string& file_digest, const std::string& operator_name,
                        const std::string& imported_at, const std::string& report_json) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("INSERT INTO paper_imports (id, file_name, file_digest, operator,"
                              " imported_at, report) VALUES (?, ?, ?, ?, ?, ?)"));
  st.Bind(1, batch_id)
      .Bind(2, file_name)
      .Bind(3, file_digest)
      .Bind(4, operator_name)
      .Bind(5, imported_at)
      .Bind(6, report_json);
  return st.Run();
}

Result<std::optional<std::pair<std::string, std::string>>> FindPaperImportOf(
    Db& db, const std::string& file_digest) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT id, imported_at FROM paper_imports"
                                            " WHERE file_digest = ? ORDER BY imported_at"
                                            " LIMIT 1"));
  st.Bind(1, file_digest);
  ASSIGN_OR_RETURN(bool row, st.Step());
  using Found = std::optional<std::pair<std::string, std::string>>;
  if (!row) return Found();
  return Found(std::make_pair(st.Text(0), st.Text(1)));
}

Result<int> TakeFormNumbers(Db& db, const LocalDate& day, int count) {
  ASSIGN_OR_RETURN(int64_t last, BumpDayCounter(db, DayCounter::kFormNumbers, day, count,
                                                "reserving form numbers"));
  return static_cast<int>(last);
}

}  // namespace outpost::edge
