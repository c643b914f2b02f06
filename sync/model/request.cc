#include "sync/model/request.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "sync/model/fields.h"

namespace outpost::model {
namespace {

using nlohmann::json;

using TextMember = std::string HeadOfficeRequest::*;

// Every text field by its key, in one table for writing and reading.
const std::vector<std::pair<const char*, TextMember>>& TextFields() {
  static const std::vector<std::pair<const char*, TextMember>> fields = {
      {"kind", &HeadOfficeRequest::kind},
      {"phone", &HeadOfficeRequest::phone},
      {"name", &HeadOfficeRequest::name},
      {"plate", &HeadOfficeRequest::plate},
      {"service", &HeadOfficeRequest::service},
      {"notes", &HeadOfficeRequest::notes},
      {"date", &HeadOfficeRequest::date},
      {"slot", &HeadOfficeRequest::slot},
      {"booking_id", &HeadOfficeRequest::booking_id},
      {"booking_ref", &HeadOfficeRequest::booking_ref},
      {"case_id", &HeadOfficeRequest::case_id},
      {"case_ref", &HeadOfficeRequest::case_ref},
      {"reason", &HeadOfficeRequest::reason},
      {"customer_id", &HeadOfficeRequest::customer_id},
      {"vehicle_id", &HeadOfficeRequest::vehicle_id},
      {"due_by", &HeadOfficeRequest::due_by},
      {"channel", &HeadOfficeRequest::channel},
      {"invite_date", &HeadOfficeRequest::invite_date},
      {"outcome", &HeadOfficeRequest::outcome},
      {"calendar", &HeadOfficeRequest::calendar},
      {"task_id", &HeadOfficeRequest::task_id},
      {"staff", &HeadOfficeRequest::staff},
      {"requested_at", &HeadOfficeRequest::requested_at}};
  return fields;
}

// The fields a kind always carries, even empty; an unknown kind: none.
std::vector<std::string> AlwaysWritten(const std::string& kind) {
  if (kind == "book") return {"kind", "phone", "date", "slot"};
  if (kind == "cancel") return {"kind", "booking_id", "booking_ref", "reason"};
  if (kind == "reschedule") return {"kind", "booking_id", "booking_ref", "reason", "date", "slot"};
  if (kind == "resolve-case") return {"kind", "case_id", "case_ref", "reason"};
  if (kind == "invite") {
    return {"kind",   "customer_id", "vehicle_id",  "date",  "service",
            "due_by", "channel",     "invite_date", "reason"};
  }
  if (kind == "opt-out") return {"kind", "phone", "customer_id", "channel", "reason"};
  if (kind == "holidays") return {"kind", "calendar"};
  if (kind == "task-attempt") return {"kind", "task_id"};
  return {"kind"};
}

// The fields without which a known kind cannot be applied.
std::vector<std::string> Required(const std::string& kind) {
  if (kind == "book") return {"phone", "date", "slot"};
  if (kind == "cancel") return {"booking_id"};
  if (kind == "reschedule") return {"booking_id", "date", "slot"};
  if (kind == "resolve-case") return {"case_ref"};
  if (kind == "invite") return {"customer_id", "date", "service", "channel"};
  if (kind == "opt-out") return {"phone", "channel"};
  if (kind == "holidays") return {"calendar"};
  if (kind == "task-attempt") return {"task_id"};
  return {};
}

// What head office may say it did itself in an "invite" (empty: nothing).
bool IsHeadOfficeOutcome(const std::string& outcome) {
  return outcome.empty() || outcome == "sent" || outcome == "booked" || outcome == "declined" ||
         outcome == "unreachable";
}

}  // namespace

json HeadOfficeRequestJson(const HeadOfficeRequest& request) {
  json out = json::object();
  const std::vector<std::string> always = AlwaysWritten(request.kind);
  for (const auto& [key, member] : TextFields()) {
    const std::string& value = request.*member;
    const bool kept = std::find(always.begin(), always.end(), key) != always.end();
    if (kept || !value.empty()) out[key] = value;
  }
  if (request.attempt) out["attempt"] = TaskAttemptJson(*request.attempt);
  return out;
}

Result<HeadOfficeRequest> ParseHeadOfficeRequest(const json& fields) {
  const FieldReader in("request", fields);
  RETURN_IF_ERROR(in.CheckObject());
  HeadOfficeRequest request;
  for (const auto& [key, member] : TextFields()) {
    ASSIGN_OR_RETURN(request.*member, in.TextOr(key, request.*member));
  }
  for (const auto& [key, member] : TextFields()) {
    const std::vector<std::string> required = Required(request.kind);
    if (std::find(required.begin(), required.end(), key) != required.end() &&
        (request.*member).empty()) {
      return in.Bad(key, "required for a " + request.kind + " request");
    }
  }
  if (in.Has("attempt")) {
    auto attempt = ParseTaskAttempt(fields["attempt"]);
    if (!attempt.ok()) return in.Bad("attempt", attempt.status().message());
    request.attempt = std::move(*attempt);
  } else if (request.kind == "task-attempt") {
    return in.Bad("attempt", "required for a task-attempt request");
  }
  if (!IsHeadOfficeOutcome(request.outcome)) {
    return in.Bad("outcome",
                  "'" + request.outcome + "' is not sent, booked, declined or unreachable");
  }
  return request;
}

json RequestAnswerFields(const RequestAnswer& answer) {
  json fields = {{"hub_request_seq", answer.hub_request_seq},
                 {"kind", answer.kind},
                 {"outcome", answer.outcome},
                 {"reason", answer.reason},
                 {"received_at", answer.received_at}};
  SetIfPresent(fields, "booking_id", answer.booking_id);
  return fields;
}

Result<RequestAnswer> ParseRequestAnswer(const json& fields) {
  const FieldReader in("request answer", fields);
  RETURN_IF_ERROR(in.CheckObject());
  RequestAnswer answer;
  ASSIGN_OR_RETURN(answer.hub_request_seq, in.Int("hub_request_seq"));
  ASSIGN_OR_RETURN(answer.kind, in.TextOr("kind", "book"));
  ASSIGN_OR_RETURN(answer.outcome, in.Text("outcome"));
  if (answer.outcome != "refused" && answer.outcome != "booked" && answer.outcome != "applied") {
    return in.Bad("outcome", "'" + answer.outcome + "' is not refused, booked or applied");
  }
  ASSIGN_OR_RETURN(answer.reason, in.TextOr("reason", ""));
  ASSIGN_OR_RETURN(answer.received_at, in.Text("received_at"));
  ASSIGN_OR_RETURN(answer.booking_id, in.OptionalText("booking_id"));
  return answer;
}

}  // namespace outpost::model
