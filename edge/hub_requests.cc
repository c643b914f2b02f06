#include "edge/hub_requests.h"

namespace outpost::edge {

Status WriteRequestAnswer(Db& db, const RequestAnswerRow& a, OnExisting on_existing) {
  // Two fixed texts, so each stays one pooled prepared statement.
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(on_existing == OnExisting::kFail
                                  ? "INSERT INTO hub_requests (seq, received_at, kind, outcome,"
                                    " booking_id, reason, case_ref) VALUES (?, ?, ?, ?, ?, ?, ?)"
                                  : "INSERT INTO hub_requests (seq, received_at, kind, outcome,"
                                    " booking_id, reason, case_ref) VALUES (?, ?, ?, ?, ?, ?, ?)"
                                    " ON CONFLICT (seq) DO NOTHING"));
  st.Bind(1, a.seq)
      .Bind(2, a.received_at)
      .Bind(3, a.kind)
      .Bind(4, a.outcome)
      .Bind(5, a.booking_id)
      .Bind(6, a.reason)
      .Bind(7, a.case_ref);
  return st.Run();
}

Result<std::optional<RequestAnswerRow>> FindRequestAnswer(Db& db, int64_t seq) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT received_at, kind, outcome, booking_id,"
                                            " reason, case_ref FROM hub_requests WHERE seq = ?"));
  st.Bind(1, seq);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<RequestAnswerRow>();
  RequestAnswerRow a{seq,
                     st.Text(0),
                     st.Text(1),
                     st.Text(2),
                     st.OptionalText(3),
                     st.OptionalText(4),
                     st.OptionalText(5)};
  st.Reset();
  return std::optional<RequestAnswerRow>(std::move(a));
}

Result<int64_t> LastRequestAnswered(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT coalesce(max(seq), 0) FROM hub_requests"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  const int64_t last = row ? st.Int(0) : 0;
  st.Reset();
  return last;
}

Result<int64_t> CountRefusedRequests(Db& db) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT count(*) FROM hub_requests WHERE outcome = 'refused'"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Status MarkRequestsAnsweredBeforeRebuild(Db& db, int64_t up_to, const std::string& at) {
  ASSIGN_OR_RETURN(Statement answered,
                   db.Prepare("WITH RECURSIVE n(seq) AS (SELECT 1 UNION ALL SELECT seq + 1"
                              " FROM n WHERE seq < ?1) INSERT INTO hub_requests (seq,"
                              " received_at, outcome, reason) SELECT seq, ?2, 'refused',"
                              " 'answered before this store was rebuilt; the outcome was not"
                              " in the change log' FROM n WHERE ?1 > 0 AND seq NOT IN"
                              " (SELECT seq FROM hub_requests)"));
  answered.Bind(1, up_to).Bind(2, at);
  return answered.Run();
}

}  // namespace outpost::edge
