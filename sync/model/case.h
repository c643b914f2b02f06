// A conflict case as the change log carries it (entity "case"), and its codec.
// Opened whole (op "insert": CaseInsertFields), then updated by the fields
// that changed: its bookings, contacts and summary when the slot is settled
// again, its status and resolution when closed (CaseUpdateFields). The
// contacts list is also what the store's `conflict_cases.contacts` column
// holds (CaseContactsJson). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sync/status.h"

namespace outpost::model {

// Whom staff must call about a conflict, and why.
struct CaseContact {
  std::string customer_id;
  std::string name;
  std::string phone;  // E.164, first phone on file; empty when none
  std::string booking_ref;
  std::string why;
};

// A conflict for a person: raised by the system, closed by staff with a note.
struct Case {
  std::string id;   // the entity id; not among the logged fields
  std::string ref;  // "C-261124-1"
  std::string store_id;
  std::string kind;  // "over-capacity", "duplicate-booking", "contradicting-status"
  std::optional<std::string> slot_date;
  std::optional<std::string> slot_time;
  std::vector<std::string> booking_ids;
  std::vector<CaseContact> contacts;
  std::string summary;
  std::string source;
  std::string opened_at;
  std::string opened_by;  // the change's staff; not among the logged fields
  std::string status;     // "open" or "resolved"
  std::optional<std::string> resolved_at;
  std::optional<std::string> resolved_by;
  std::optional<std::string> resolution;
  // The head-office request it answers (logged, not columns).
  std::optional<int64_t> hub_request_seq;
  std::string hub_request_kind;
};

struct CaseUpdate {
  std::optional<std::vector<std::string>> booking_ids;
  std::optional<std::vector<CaseContact>> contacts;
  std::optional<std::string> summary;
  std::optional<std::string> status;
  std::optional<std::string> resolved_at;
  std::optional<std::string> resolved_by;
  std::optional<std::string> resolution;
  std::optional<int64_t> hub_request_seq;  // head office's resolve-case it applies
};

nlohmann::json CaseContactsJson(const std::vector<CaseContact>& contacts);
Result<std::vector<CaseContact>> ParseCaseContacts(const nlohmann::json& contacts);

// slot_date and slot_time only when set; hub_request_seq and
// hub_request_kind only when the case answers a request.
nlohmann::json CaseInsertFields(const Case& c);
nlohmann::json CaseUpdateFields(const CaseUpdate& update);
Result<Case> ParseCase(const std::string& id, const nlohmann::json& fields);
Result<CaseUpdate> ParseCaseUpdate(const nlohmann::json& fields);

}  // namespace outpost::model
