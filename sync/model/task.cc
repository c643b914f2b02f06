#include "sync/model/task.h"

#include <algorithm>
#include <iterator>

#include "sync/civil_time.h"
#include "sync/clock.h"
#include "sync/i18n/messages.h"
#include "sync/model/fields.h"

namespace outpost::model {
namespace {

using nlohmann::json;

constexpr const char* kKind = "task";

template <size_t N>
bool OneOf(const char* const (&names)[N], const std::string& value) {
  return std::find_if(std::begin(names), std::end(names),
                      [&](const char* n) { return value == n; }) != std::end(names);
}

template <size_t N>
std::string Listed(const char* const (&names)[N]) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

Status CheckChoice(const FieldReader& in, const char* field, const std::string& value, bool allowed,
                   const char* what) {
  if (allowed) return Status::Ok();
  return in.Bad(field, "'" + value + "' is not " + what);
}

Status CheckDate(const FieldReader& in, const char* field, const std::string& text) {
  if (!LocalDate::Parse(text).ok()) return in.Bad(field, "'" + text + "' is not a date");
  return Status::Ok();
}

Status CheckUtc(const FieldReader& in, const char* field, const std::optional<std::string>& text) {
  if (text && !ParseUtcMs(*text).ok()) return in.Bad(field, "'" + *text + "' is not a UTC time");
  return Status::Ok();
}

Status Invalid(const char* field, const std::string& why) {
  return Status::InvalidInput(std::string(field) + ": " + why)
      .WithShown(i18n::Format("{0}: {1}", {field, i18n::Tr(why)}))
      .WithField(field);
}

Status CheckItems(const std::vector<std::string>& items) {
  if (items.empty()) {
    return Invalid("items",
                   "a complaint needs at least one item (" + Listed(kDissatisfiedItems) + ")");
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (!OneOf(kDissatisfiedItems, items[i])) {
      return Invalid("items", "'" + items[i] + "' is not one of " + Listed(kDissatisfiedItems));
    }
    if (std::find(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(i), items[i]) !=
        items.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Invalid("items", "'" + items[i] + "' given twice");
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> ParseItems(const FieldReader& in, const json& fields) {
  std::vector<std::string> out;
  if (!in.Has("items")) return out;
  if (!fields["items"].is_array()) return in.Bad("items", "not a list");
  for (const auto& item : fields["items"]) {
    if (!item.is_string()) return in.Bad("items", "an item that is not text");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// The complaint's object read and checked as the codec writes it.
Result<std::optional<TaskComplaint>> ParseComplaint(const json& fields) {
  if (!fields.contains("complaint") || fields["complaint"].is_null()) {
    return std::optional<TaskComplaint>();
  }
  const json& obj = fields["complaint"];
  const FieldReader in(kKind, "complaint", obj);
  RETURN_IF_ERROR(in.CheckObject());
  TaskComplaint c;
  ASSIGN_OR_RETURN(c.source_task, in.Text("source_task"));
  ASSIGN_OR_RETURN(c.items, ParseItems(in, obj));
  if (const Status fits = CheckItems(c.items); !fits.ok()) {
    return in.Bad("items", fits.message().substr(fits.field().size() + 2));
  }
  ASSIGN_OR_RETURN(c.resolution, in.OptionalText("resolution"));
  ASSIGN_OR_RETURN(std::optional<bool> confirmed, in.OptionalBool("confirmed_by_customer"));
  c.confirmed_by_customer = confirmed.value_or(false);
  ASSIGN_OR_RETURN(c.override_by, in.OptionalText("override_by"));
  ASSIGN_OR_RETURN(c.override_reason, in.OptionalText("override_reason"));
  ASSIGN_OR_RETURN(c.escalated_at, in.OptionalText("escalated_at"));
  RETURN_IF_ERROR(CheckUtc(in, "escalated_at", c.escalated_at));
  return std::optional<TaskComplaint>(std::move(c));
}

// attempts[i] read and checked as the codec writes it.
Result<TaskAttempt> ParseAttemptAt(const json& fields, const std::string& where) {
  const FieldReader in(kKind, where, fields);
  RETURN_IF_ERROR(in.CheckObject());
  TaskAttempt a;
  ASSIGN_OR_RETURN(a.at, in.Text("at"));
  RETURN_IF_ERROR(CheckUtc(in, "at", a.at));
  ASSIGN_OR_RETURN(a.staff, in.Text("staff"));
  ASSIGN_OR_RETURN(a.result, in.Text("result"));
  ASSIGN_OR_RETURN(a.fault_fixed, in.OptionalBool("fault_fixed"));
  ASSIGN_OR_RETURN(a.satisfied, in.OptionalBool("satisfied"));
  ASSIGN_OR_RETURN(a.items, ParseItems(in, fields));
  ASSIGN_OR_RETURN(a.next_service_date, in.OptionalText("next_service_date"));
  ASSIGN_OR_RETURN(a.next_service_km, in.OptionalInt("next_service_km"));
  ASSIGN_OR_RETURN(a.note, in.TextOr("note", ""));
  ASSIGN_OR_RETURN(a.outcome, in.OptionalText("outcome"));
  ASSIGN_OR_RETURN(a.site, in.TextOr("site", ""));
  const Status fits = CheckTaskAttempt(a);
  if (!fits.ok()) return in.Bad(fits.field(), fits.message().substr(fits.field().size() + 2));
  return a;
}

Result<std::vector<TaskAttempt>> ParseAttempts(const FieldReader& in, const json& fields) {
  std::vector<TaskAttempt> out;
  if (!in.Has("attempts")) return out;
  if (!fields["attempts"].is_array()) return in.Bad("attempts", "not a list");
  for (size_t i = 0; i < fields["attempts"].size(); ++i) {
    ASSIGN_OR_RETURN(TaskAttempt a,
                     ParseAttemptAt(fields["attempts"][i], "attempts[" + std::to_string(i) + "]"));
    out.push_back(std::move(a));
  }
  return out;
}

json AttemptsJson(const std::vector<TaskAttempt>& attempts) {
  json out = json::array();
  for (const auto& a : attempts) out.push_back(TaskAttemptJson(a));
  return out;
}

}  // namespace

std::string TaskIdFor(const std::string& idempotency_key) { return KeyedId("T-", idempotency_key); }

std::string TaskEventKey(const std::string& store_id, const std::string& kind,
                         const std::string& booking_id) {
  return store_id + "/" + kind + "/" + booking_id;
}

bool IsTaskKind(const std::string& kind) { return OneOf(kTaskKinds, kind); }

Status CheckTaskAttempt(const TaskAttempt& a) {
  if (!OneOf(kCallResults, a.result)) {
    return Invalid("result", "'" + a.result + "' is not one of " + Listed(kCallResults));
  }
  const bool reached = a.result == "reached";
  // The questionnaire's answers exist only for a call that reached the customer.
  if (!reached && a.satisfied) {
    return Invalid("satisfied", "'" + std::string(*a.satisfied ? "yes" : "no") +
                                    "' given for a call that was " + a.result +
                                    " (answers only when reached)");
  }
  if (!reached && a.fault_fixed) {
    return Invalid("fault_fixed",
                   "given for a call that was " + a.result + " (answers only when reached)");
  }
  if (!reached && (a.next_service_date || a.next_service_km)) {
    return Invalid("next_service",
                   "given for a call that was " + a.result + " (answers only when reached)");
  }
  if (!a.items.empty() && a.satisfied != std::optional<bool>(false)) {
    return Invalid("items", "'" + a.items.front() +
                                "' given, but items are only for a dissatisfied customer"
                                " (satisfied no)");
  }
  if (a.satisfied == std::optional<bool>(false) && a.items.empty()) {
    return Invalid("items", "a dissatisfied customer needs at least one item (" +
                                Listed(kDissatisfiedItems) + ")");
  }
  if (!a.items.empty()) RETURN_IF_ERROR(CheckItems(a.items));
  if (a.next_service_date && a.next_service_km) {
    return Invalid("next_service", "give a date or a mileage, not both");
  }
  if (a.next_service_date && !LocalDate::Parse(*a.next_service_date).ok()) {
    return Invalid("next_service", "'" + *a.next_service_date + "' is not a date (YYYY-MM-DD)");
  }
  if (a.next_service_km && (*a.next_service_km <= 0 || *a.next_service_km > 2'000'000)) {
    return Invalid("next_service",
                   std::to_string(*a.next_service_km) + " km is not a mileage (1 to 2000000)");
  }
  if (a.outcome && !OneOf(kNoShowReasons, *a.outcome)) {
    return Invalid("outcome", "'" + *a.outcome + "' is not one of " + Listed(kNoShowReasons));
  }
  if (a.outcome && !reached) {
    return Invalid("outcome", "'" + *a.outcome + "' given for a call that was " + a.result +
                                  " (an outcome only when reached)");
  }
  if (!a.site.empty() && a.site != kHeadOfficeSite) {
    return Invalid("site", "'" + a.site + "' is not " + kHeadOfficeSite + " (or empty: the store)");
  }
  return Status::Ok();
}

Result<std::optional<bool>> ParseYesNo(const char* field, const std::optional<std::string>& text) {
  if (!text) return std::optional<bool>();
  if (*text == "yes") return std::optional<bool>(true);
  if (*text == "no") return std::optional<bool>(false);
  return Invalid(field, "'" + *text + "' is not yes or no");
}

Status CheckTaskAttemptFits(const std::string& task_kind, const TaskAttempt& a) {
  if (a.outcome && task_kind != "no_show") {
    return Invalid("outcome", "'" + *a.outcome + "' given for a " + task_kind +
                                  " task; a closing outcome is a no-show's reason");
  }
  return Status::Ok();
}

bool AttemptBefore(const TaskAttempt& a, const TaskAttempt& b) {
  if (a.at != b.at) return a.at < b.at;
  return a.site < b.site;  // "" (the store) first
}

bool IsCompletingAttempt(const TaskAttempt& a) {
  return a.result == "reached" || a.result == "refused" || a.outcome.has_value();
}

std::string AttemptOutcome(const TaskAttempt& a) { return a.outcome.value_or(a.result); }

MergedAttempts MergeTaskAttempt(const std::vector<TaskAttempt>& attempts, const TaskAttempt& add) {
  MergedAttempts out{attempts, false};
  if (std::find(attempts.begin(), attempts.end(), add) != attempts.end()) return out;
  // After every call not later than it: calls of one site at the same
  // instant stay in the order that site made them.
  out.attempts.insert(std::upper_bound(out.attempts.begin(), out.attempts.end(), add,
                                       [](const TaskAttempt& x, const TaskAttempt& y) {
                                         return AttemptBefore(x, y);
                                       }),
                      add);
  out.added = true;
  return out;
}

std::optional<size_t> FirstCompleting(const std::vector<TaskAttempt>& attempts) {
  for (size_t i = 0; i < attempts.size(); ++i) {
    if (IsCompletingAttempt(attempts[i])) return i;
  }
  return std::nullopt;
}

bool AttemptsContradict(const TaskAttempt& a, const TaskAttempt& b) {
  if (a.site == b.site || !IsCompletingAttempt(a) || !IsCompletingAttempt(b)) return false;
  if (AttemptOutcome(a) != AttemptOutcome(b)) return true;
  return a.satisfied && b.satisfied && *a.satisfied != *b.satisfied;
}

std::optional<std::pair<size_t, size_t>> FirstContradiction(
    const std::vector<TaskAttempt>& attempts) {
  const std::optional<size_t> first = FirstCompleting(attempts);
  if (!first) return std::nullopt;
  for (size_t i = *first + 1; i < attempts.size(); ++i) {
    if (AttemptsContradict(attempts[*first], attempts[i])) return std::make_pair(*first, i);
  }
  return std::nullopt;
}

Result<TaskAttempt> ParseTaskAttempt(const json& fields) {
  return ParseAttemptAt(fields, "attempt");
}

Status CheckComplaintClose(const TaskComplaint& c) {
  if (!c.resolution || c.resolution->empty()) {
    return Invalid("resolution",
                   "missing: a complaint closes only with its resolution (--resolution TEXT)");
  }
  if (c.confirmed_by_customer && c.override_by) {
    return Invalid("confirmation", "both the customer's confirmation and an override by '" +
                                       *c.override_by + "' given; give one");
  }
  if (!c.override_by && c.override_reason) {
    return Invalid("reason", "'" + *c.override_reason +
                                 "' given without an override (--override-by SUPERVISOR)");
  }
  if (!c.confirmed_by_customer && !c.override_by) {
    return Invalid("confirmation",
                   "none: a complaint closes only when the customer confirms it on the second"
                   " follow-up call (--customer-confirmed) or a supervisor overrides"
                   " (--override-by SUPERVISOR --reason TEXT)");
  }
  if (c.override_by && (!c.override_reason || c.override_reason->empty())) {
    return Invalid("reason", "missing for the override by '" + *c.override_by +
                                 "': a supervisor's override needs its reason (--reason TEXT)");
  }
  return Status::Ok();
}

json TaskComplaintJson(const TaskComplaint& c) {
  json out = {{"source_task", c.source_task}, {"items", c.items}};
  // The closing's fields only once given: an open complaint carries none.
  SetIfPresent(out, "resolution", c.resolution);
  if (c.confirmed_by_customer) out["confirmed_by_customer"] = true;
  SetIfPresent(out, "override_by", c.override_by);
  SetIfPresent(out, "override_reason", c.override_reason);
  SetIfPresent(out, "escalated_at", c.escalated_at);
  return out;
}

json TaskAttemptJson(const TaskAttempt& a) {
  json out = {{"at", a.at}, {"staff", a.staff}, {"result", a.result}};
  // Answers only when given: a call not reached carries none.
  SetIfPresent(out, "fault_fixed", a.fault_fixed);
  SetIfPresent(out, "satisfied", a.satisfied);
  if (!a.items.empty()) out["items"] = a.items;
  SetIfPresent(out, "next_service_date", a.next_service_date);
  SetIfPresent(out, "next_service_km", a.next_service_km);
  if (!a.note.empty()) out["note"] = a.note;
  SetIfPresent(out, "outcome", a.outcome);
  if (!a.site.empty()) out["site"] = a.site;
  return out;
}

json TaskInsertFields(const Task& t) {
  json out = {{"store_id", t.store_id},
              {"kind", t.kind},
              {"customer_id", t.customer_id},
              {"vehicle_id", OrNull(t.vehicle_id)},
              {"booking_id", OrNull(t.booking_id)},
              {"idempotency_key", t.idempotency_key},
              {"owner", t.owner},
              {"due_from", t.due_from},
              {"due_by", t.due_by},
              {"status", t.status},
              {"attempts", AttemptsJson(t.attempts)},
              {"outcome", OrNull(t.outcome)},
              {"reason", t.reason},
              {"created_at", t.created_at},
              {"created_by", t.created_by}};
  // Only a complaint's: every other task's insert is as it always was.
  if (t.complaint) out["complaint"] = TaskComplaintJson(*t.complaint);
  return out;
}

json TaskUpdateFields(const TaskUpdate& u) {
  json fields = json::object();
  SetIfPresent(fields, "status", u.status);
  SetIfPresent(fields, "owner", u.owner);
  if (u.attempts) fields["attempts"] = AttemptsJson(*u.attempts);
  SetIfPresent(fields, "outcome", u.outcome);
  SetIfPresent(fields, "reason", u.reason);
  SetIfPresent(fields, "updated_at", u.updated_at);
  if (u.complaint) fields["complaint"] = TaskComplaintJson(*u.complaint);
  return fields;
}

json TaskJson(const Task& t) {
  json out = TaskInsertFields(t);
  out["id"] = t.id;
  out["updated_at"] = OrNull(t.updated_at);
  out["complaint"] = t.complaint ? TaskComplaintJson(*t.complaint) : json(nullptr);
  return out;
}

Result<Task> ParseTask(const std::string& id, const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  Task t;
  t.id = id;
  ASSIGN_OR_RETURN(t.store_id, in.Text("store_id"));
  ASSIGN_OR_RETURN(t.kind, in.Text("kind"));
  RETURN_IF_ERROR(CheckChoice(in, "kind", t.kind, IsTaskKind(t.kind), "a task kind"));
  ASSIGN_OR_RETURN(t.customer_id, in.Text("customer_id"));
  ASSIGN_OR_RETURN(t.vehicle_id, in.OptionalText("vehicle_id"));
  ASSIGN_OR_RETURN(t.booking_id, in.OptionalText("booking_id"));
  ASSIGN_OR_RETURN(t.idempotency_key, in.Text("idempotency_key"));
  if (TaskIdFor(t.idempotency_key) != id) {
    return in.Bad("idempotency_key", "does not match the task id " + id);
  }
  ASSIGN_OR_RETURN(t.owner, in.Text("owner"));
  ASSIGN_OR_RETURN(t.due_from, in.Text("due_from"));
  RETURN_IF_ERROR(CheckDate(in, "due_from", t.due_from));
  ASSIGN_OR_RETURN(t.due_by, in.Text("due_by"));
  RETURN_IF_ERROR(CheckDate(in, "due_by", t.due_by));
  if (t.due_by < t.due_from) {
    return in.Bad("due_by", "'" + t.due_by + "' is before due_from " + t.due_from);
  }
  ASSIGN_OR_RETURN(t.status, in.Text("status"));
  RETURN_IF_ERROR(
      CheckChoice(in, "status", t.status, OneOf(kTaskStatuses, t.status), "a task status"));
  ASSIGN_OR_RETURN(t.attempts, ParseAttempts(in, fields));
  ASSIGN_OR_RETURN(t.outcome, in.OptionalText("outcome"));
  ASSIGN_OR_RETURN(t.reason, in.TextOr("reason", ""));
  ASSIGN_OR_RETURN(t.created_at, in.Text("created_at"));
  RETURN_IF_ERROR(CheckUtc(in, "created_at", t.created_at));
  ASSIGN_OR_RETURN(t.created_by, in.Text("created_by"));
  ASSIGN_OR_RETURN(t.updated_at, in.OptionalText("updated_at"));
  RETURN_IF_ERROR(CheckUtc(in, "updated_at", t.updated_at));
  ASSIGN_OR_RETURN(t.complaint, ParseComplaint(fields));
  if (t.complaint && t.kind != "complaint") {
    return in.Bad("complaint", "given for a task of kind " + t.kind);
  }
  return t;
}

Result<TaskUpdate> ParseTaskUpdate(const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  TaskUpdate u;
  ASSIGN_OR_RETURN(u.status, in.OptionalText("status"));
  if (u.status) {
    RETURN_IF_ERROR(
        CheckChoice(in, "status", *u.status, OneOf(kTaskStatuses, *u.status), "a task status"));
  }
  ASSIGN_OR_RETURN(u.owner, in.OptionalText("owner"));
  if (in.Has("attempts")) {
    ASSIGN_OR_RETURN(u.attempts, ParseAttempts(in, fields));
  }
  ASSIGN_OR_RETURN(u.outcome, in.OptionalText("outcome"));
  ASSIGN_OR_RETURN(u.reason, in.OptionalText("reason"));
  ASSIGN_OR_RETURN(u.updated_at, in.OptionalText("updated_at"));
  RETURN_IF_ERROR(CheckUtc(in, "updated_at", u.updated_at));
  ASSIGN_OR_RETURN(u.complaint, ParseComplaint(fields));
  return u;
}

void ApplyTaskUpdate(const TaskUpdate& u, Task& t) {
  if (u.status) t.status = *u.status;
  if (u.owner) t.owner = *u.owner;
  if (u.attempts) t.attempts = *u.attempts;
  if (u.outcome) t.outcome = u.outcome;
  if (u.reason) t.reason = *u.reason;
  if (u.updated_at) t.updated_at = u.updated_at;
  if (u.complaint) t.complaint = u.complaint;
}

std::string_view ZhLabel(std::string_view code) {
  static constexpr std::pair<std::string_view, std::string_view> kLabels[] = {
      {"reached", "接通"},
      {"no_answer", "无人接听"},
      {"busy", "占线"},
      {"wrong_number", "号码错误"},
      {"empty_number", "空号"},
      {"refused", "拒绝"},
      {"rebooked", "已重新预约"},
      {"forgot", "忘记"},
      {"changed_plans", "计划有变"},
      {"went_elsewhere", "去了别处"},
      {"no_longer_needed", "不再需要"},
      {"attitude", "服务态度"},
      {"repair_quality", "维修质量"},
      {"price", "价格"},
      {"parts", "配件"},
      {"waiting_time", "等待时间"},
      {"other", "其他"},
      {"yes", "是"},
      {"no", "否"}};
  for (const auto& [name, zh] : kLabels) {
    if (code == name) return zh;
  }
  return {};
}

}  // namespace outpost::model
