#include "hub/queries/requests.h"

namespace outpost::hub::queries {
namespace {

// The outcome of a request from the change that carries its seq (a booking
// made, cancelled or moved, or a case opened), or the store's logged answer.
void DescribeOutcome(const std::optional<storage::RequestEffect>& effect,
                     const std::optional<storage::RequestAnswer>& answer, bool answered,
                     RequestOutcome& r) {
  r.state = answered ? "answered" : "waiting";
  r.outcome = answered ? "answered (refused at the store before stores logged their reasons)"
                       : "waiting for the store";
  if (effect) {
    const std::string ref = effect->ref.value_or("");
    if (effect->entity == "case" && r.kind == "resolve-case") {
      r.state = "applied";
      r.outcome = "case " + ref + " " + (effect->status == "resolved" ? "resolved" : "updated");
      return;
    }
    if (effect->entity == "case") {
      r.state = "overruled";
      r.outcome = "overruled by the store: case " + ref;
      return;
    }
    r.state = r.kind == "book" ? "booked" : "applied";
    r.outcome = "booking " + ref + " " + effect->status.value_or("");
    if (effect->needs_reschedule) {
      r.outcome += ", lost its place in an over-full slot: the store's case names whom to call";
    }
    return;
  }
  if (answer) {
    // "applied" with what the store did (an invitation planned, an opt-out
    // recorded, a calendar taken).
    if (answer->outcome == "applied") {
      r.state = "applied";
      r.outcome = answer->reason;
      return;
    }
    // "refused" with its reason, or "booked" with "already booked (<ref>)".
    const bool refused = answer->outcome == "refused";
    r.state = refused ? "refused" : "already-booked";
    r.outcome = refused ? "refused at the store: " + answer->reason : answer->reason;
  }
}

}  // namespace

Result<std::vector<RequestOutcome>> ListRequests(const HubReader& hub, const std::string& site) {
  ASSIGN_OR_RETURN(std::vector<storage::RequestRow> rows, hub.reads().Requests(site));
  std::vector<RequestOutcome> out;
  for (auto& row : rows) {
    RequestOutcome r;
    r.seq = row.seq;
    r.request = nlohmann::json::parse(row.request_json, nullptr, false);
    r.kind = r.request.is_object() ? r.request.value("kind", "book") : "book";
    r.requested_at = std::move(row.created_at);
    DescribeOutcome(row.effect, row.answer, r.seq <= row.store_applied_seq, r);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace outpost::hub::queries
