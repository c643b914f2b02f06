#include "sync/model/case.h"

#include "sync/model/fields.h"

namespace outpost::model {
namespace {

using nlohmann::json;

constexpr const char* kKind = "case";

Result<std::vector<std::string>> BookingIds(const FieldReader& in, const json& fields) {
  if (!in.Has("booking_ids") || !fields["booking_ids"].is_array()) {
    return in.Bad("booking_ids", "missing or not a list");
  }
  std::vector<std::string> ids;
  for (const auto& id : fields["booking_ids"]) {
    if (!id.is_string()) return in.Bad("booking_ids", "an id that is not text");
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

}  // namespace

json CaseContactsJson(const std::vector<CaseContact>& contacts) {
  json out = json::array();
  for (const auto& c : contacts) {
    out.push_back({{"customer_id", c.customer_id},
                   {"name", c.name},
                   {"phone", c.phone},
                   {"booking_ref", c.booking_ref},
                   {"why", c.why}});
  }
  return out;
}

Result<std::vector<CaseContact>> ParseCaseContacts(const json& contacts) {
  const FieldReader outer(kKind, contacts);
  if (!contacts.is_array()) return outer.Bad("contacts", "not a list");
  std::vector<CaseContact> out;
  for (const auto& x : contacts) {
    const FieldReader in("case contact", x);
    RETURN_IF_ERROR(in.CheckObject());
    CaseContact c;
    ASSIGN_OR_RETURN(c.customer_id, in.TextOr("customer_id", ""));
    ASSIGN_OR_RETURN(c.name, in.TextOr("name", ""));
    ASSIGN_OR_RETURN(c.phone, in.TextOr("phone", ""));
    ASSIGN_OR_RETURN(c.booking_ref, in.TextOr("booking_ref", ""));
    ASSIGN_OR_RETURN(c.why, in.TextOr("why", ""));
    out.push_back(std::move(c));
  }
  return out;
}

json CaseInsertFields(const Case& c) {
  json fields = {{"ref", c.ref},
                 {"store_id", c.store_id},
                 {"kind", c.kind},
                 {"booking_ids", c.booking_ids},
                 {"contacts", CaseContactsJson(c.contacts)},
                 {"summary", c.summary},
                 {"source", c.source},
                 {"opened_at", c.opened_at},
                 {"status", c.status}};
  SetIfPresent(fields, "slot_date", c.slot_date);
  SetIfPresent(fields, "slot_time", c.slot_time);
  if (c.hub_request_seq) {
    fields["hub_request_seq"] = *c.hub_request_seq;
    fields["hub_request_kind"] = c.hub_request_kind;
  }
  return fields;
}

json CaseUpdateFields(const CaseUpdate& u) {
  json fields = json::object();
  SetIfPresent(fields, "booking_ids", u.booking_ids);
  if (u.contacts) fields["contacts"] = CaseContactsJson(*u.contacts);
  SetIfPresent(fields, "summary", u.summary);
  SetIfPresent(fields, "status", u.status);
  SetIfPresent(fields, "resolved_at", u.resolved_at);
  SetIfPresent(fields, "resolved_by", u.resolved_by);
  SetIfPresent(fields, "resolution", u.resolution);
  SetIfPresent(fields, "hub_request_seq", u.hub_request_seq);
  return fields;
}

Result<Case> ParseCase(const std::string& id, const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  Case c;
  c.id = id;
  ASSIGN_OR_RETURN(c.ref, in.Text("ref"));
  ASSIGN_OR_RETURN(c.store_id, in.Text("store_id"));
  ASSIGN_OR_RETURN(c.kind, in.Text("kind"));
  ASSIGN_OR_RETURN(c.slot_date, in.OptionalText("slot_date"));
  ASSIGN_OR_RETURN(c.slot_time, in.OptionalText("slot_time"));
  ASSIGN_OR_RETURN(c.booking_ids, BookingIds(in, fields));
  if (!in.Has("contacts")) return in.Bad("contacts", "missing");
  ASSIGN_OR_RETURN(c.contacts, ParseCaseContacts(fields["contacts"]));
  ASSIGN_OR_RETURN(c.summary, in.Text("summary"));
  ASSIGN_OR_RETURN(c.source, in.TextOr("source", ""));
  ASSIGN_OR_RETURN(c.opened_at, in.Text("opened_at"));
  ASSIGN_OR_RETURN(c.status, in.Text("status"));
  if (c.status != "open" && c.status != "resolved") {
    return in.Bad("status", "'" + c.status + "' is neither open nor resolved");
  }
  ASSIGN_OR_RETURN(c.resolved_at, in.OptionalText("resolved_at"));
  ASSIGN_OR_RETURN(c.resolved_by, in.OptionalText("resolved_by"));
  ASSIGN_OR_RETURN(c.resolution, in.OptionalText("resolution"));
  ASSIGN_OR_RETURN(c.hub_request_seq, in.OptionalInt("hub_request_seq"));
  ASSIGN_OR_RETURN(c.hub_request_kind, in.TextOr("hub_request_kind", ""));
  return c;
}

Result<CaseUpdate> ParseCaseUpdate(const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  CaseUpdate u;
  if (in.Has("booking_ids")) {
    ASSIGN_OR_RETURN(u.booking_ids, BookingIds(in, fields));
  }
  if (in.Has("contacts")) {
    ASSIGN_OR_RETURN(u.contacts, ParseCaseContacts(fields["contacts"]));
  }
  ASSIGN_OR_RETURN(u.summary, in.OptionalText("summary"));
  ASSIGN_OR_RETURN(u.status, in.OptionalText("status"));
  ASSIGN_OR_RETURN(u.resolved_at, in.OptionalText("resolved_at"));
  ASSIGN_OR_RETURN(u.resolved_by, in.OptionalText("resolved_by"));
  ASSIGN_OR_RETURN(u.resolution, in.OptionalText("resolution"));
  ASSIGN_OR_RETURN(u.hub_request_seq, in.OptionalInt("hub_request_seq"));
  return u;
}

}  // namespace outpost::model
