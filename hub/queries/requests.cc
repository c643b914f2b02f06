#include "hub/queries/requests.h"

namespace outpost::hub::queries {
namespace {

// The outcome of a request from the change that carries its seq (a booking
// made, cancelled or moved, or a case opened), or the store's logged answer.
void DescribeOutcome(const nlohmann::json& effect, const std::optional<std::string>& answer,
                     bool answered, RequestOutcome& r) {
  r.state = answered ? "answered" : "waiting";
  r.outcome = answered ? "answered (refused at the store before stores logged their reasons)"
                       : "waiting for the store";
  if (effect.is_object()) {
    const std::string ref = effect["ref"].is_string() ? effect["ref"].get<std::string>() : "";
    if (effect["entity"] == "case" && r.kind == "resolve-case") {
      r.state = "applied";
      r.outcome = "case " + ref + " " + (effect["status"] == "resolved" ? "resolved" : "updated");
      return;
    }
    if (effect["entity"] == "case") {
      r.state = "overruled";
      r.outcome = "overruled by the store: case " + ref;
      return;
    }
    const std::string status =
        effect["status"].is_string() ? effect["status"].get<std::string>() : "";
    r.state = r.kind == "book" ? "booked" : "applied";
    r.outcome = "booking " + ref + " " + status;
    const nlohmann::json& lost = effect["needs_reschedule"];
    if ((lost.is_boolean() && lost.get<bool>()) || (lost.is_number() && lost != 0)) {
      r.outcome += ", lost its place in an over-full slot: the store's case names whom to call";
    }
    return;
  }
  if (answer) {
    // "refused:<reason>" or "booked:already booked (<ref>)".
    const size_t colon = answer->find(':');
    const std::string reason = answer->substr(colon + 1);
    const bool refused = answer->compare(0, colon, "refused") == 0;
    r.state = refused ? "refused" : "already-booked";
    r.outcome = refused ? "refused at the store: " + reason : reason;
  }
}

}  // namespace

Result<std::vector<RequestOutcome>> ListRequests(const HubReader& hub, const std::string& site) {
  Db& db = hub.db();
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(
          "SELECT o.seq, o.request, o.created_at, (SELECT json_object('entity', e.entity, 'id',"
          " e.entity_id, 'ref', json_extract(e.fields, '$.ref'), 'status', json_extract(e.fields,"
          " '$.status'), 'kind', json_extract(e.fields, '$.kind'), 'needs_reschedule',"
          " json_extract(e.fields, '$.needs_reschedule')) FROM changes c JOIN entities e"
          " ON e.entity = c.entity AND e.entity_id = c.entity_id WHERE c.site_id = o.site_id AND"
          " c.entity IN ('booking', 'case') AND json_extract(c.fields, '$.hub_request_seq') ="
          " o.seq ORDER BY c.entity = 'case' DESC, c.seq DESC LIMIT 1), c.applied_push_seq,"
          " (SELECT json_extract(r.fields, '$.outcome') || ':' || json_extract(r.fields,"
          " '$.reason') FROM entities r WHERE r.entity = 'request' AND r.entity_id = o.site_id"
          " || ':' || o.seq) FROM hub_outbox o JOIN store_cursors c ON c.site_id = o.site_id"
          " WHERE o.site_id = ? ORDER BY o.seq"));
  st.Bind(1, site);
  std::vector<RequestOutcome> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    RequestOutcome r;
    r.seq = st.Int(0);
    r.request = nlohmann::json::parse(st.Text(1), nullptr, false);
    r.kind = r.request.is_object() ? r.request.value("kind", "book") : "book";
    r.requested_at = st.Text(2);
    const nlohmann::json effect = st.OptionalText(3)
                                      ? nlohmann::json::parse(*st.OptionalText(3), nullptr, false)
                                      : nlohmann::json(nullptr);
    DescribeOutcome(effect, st.OptionalText(5), r.seq <= st.Int(4), r);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace outpost::hub::queries
