// The month-end statistics (issue 17 item 7, docs/KPI.md): a store's or the
// chain's month summed up from typed facts (bookings, proactive contacts,
// follow-up calls, complaints), every figure a numerator and a denominator.
//
// Pure: no SQL, no I/O, no clock. Whoever holds the facts reads them (the
// store from its tables, edge/report_reads.h; head office from its unified
// data) and converts every instant to the store's local day before calling
// ComputeMonthReport, so both compute the same figures with the same code.
// Which facts count in which figure is decided here, by the dates the facts
// carry, and written out in docs/KPI.md. Values and pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sync/status.h"

namespace outpost::kpi {

// A figure as a fraction: `num` of `den`. A 0/0 has no percentage ("—").
struct Ratio {
  int64_t num = 0;
  int64_t den = 0;
  bool operator==(const Ratio&) const = default;
};
// "62.5%" (one decimal), or "—" when den is 0.
std::string PercentText(const Ratio& ratio);

// One booking. Dates are the store's local days ("YYYY-MM-DD").
struct BookingFact {
  std::string channel;                     // ChannelName: "phone", "wechat", "walk-in", ...
  std::string made_on;                     // the day it was made (created_at, local)
  std::string slot_date;                   // the day of its slot
  int64_t slot_start_ms = 0;               // its slot's start, UTC ms
  std::string status;                      // BookingStatusName: "completed", "no-show", ...
  bool arrived = false;                    // checked in at some point (arrived_at set)
  std::optional<int64_t> cancelled_at_ms;  // when cancelled (UTC ms), if it was
  bool moved_here = false;                 // made by a reschedule (rescheduled_from set)
};

// One proactive contact made: a marketing message (an invitation) that went
// out (an SMS or WeChat sent) or a marketing call with an outcome.
struct ContactFact {
  std::string on;       // the local day it was sent or the call recorded
  std::string outcome;  // a call's outcome ("booked", "declined", ...); "" for a message
};

// One follow-up call (a task attempt). The calls of complaint tasks are the
// complaint loop's and count in no call figure.
struct CallFact {
  std::string on;                  // the local day of the call
  std::string kind;                // the task's kind (model::kTaskKinds)
  std::string result;              // kCallResults: "reached", "no_answer", "wrong_number", ...
  std::optional<bool> satisfied;   // reached calls that asked it
  std::vector<std::string> items;  // the dissatisfied items
};

// One complaint (a task of kind "complaint").
struct ComplaintFact {
  std::string opened_on;                 // local day it was created
  std::optional<std::string> closed_on;  // local day it was done, if it is
  std::string due_by;                    // the last day it was due
};

struct MonthFacts {
  std::string month;  // "YYYY-MM"
  std::vector<BookingFact> bookings;
  std::vector<ContactFact> contacts;
  std::vector<CallFact> calls;
  std::vector<ComplaintFact> complaints;
};

// The dissatisfied items in the manual's order (model::kDissatisfiedItems).
inline constexpr const char* kReportItems[] = {"attitude", "repair_quality", "price",
                                               "parts",    "waiting_time",   "other"};

struct MonthReport {
  std::string month;
  // Bookings made in the month (not by a reschedule), by channel, and in all.
  std::map<std::string, int64_t> made_by_channel;
  int64_t made = 0;
  // Of the bookings whose slot is in the month (docs/KPI.md):
  Ratio arrival;          // arrived / due, not cancelled
  Ratio completed;        // completed / due, not cancelled
  Ratio no_show;          // no-show / due, not cancelled
  Ratio cancelled;        // cancelled / due
  Ratio cancelled_early;  // cancelled 24 h or more before the slot / cancelled
  Ratio rescheduled;      // moved to another slot / slot in the month
  // Proactive contacts made in the month and the bookings they produced.
  Ratio success;  // outcome "booked" / contacts made
  // Follow-up calls made in the month.
  Ratio connect;       // reached / calls made
  Ratio accuracy;      // number right (reached, refused) / number tested (+ wrong, empty)
  Ratio satisfaction;  // satisfied / reached calls that answered it
  std::map<std::string, Ratio> dissatisfied_by_item;  // per item / dissatisfied answers
  // Complaints.
  int64_t complaints_opened = 0;   // opened in the month
  int64_t complaints_closed = 0;   // closed in the month
  int64_t complaints_overdue = 0;  // open at the month's end past their last day
  Ratio close_days;                // days from opening to closing, summed / closed in the month
};

// The month's figures. A month that is not "YYYY-MM" is InvalidInput naming
// "month". Facts outside the month are ignored, so the caller may pass more.
Result<MonthReport> ComputeMonthReport(const MonthFacts& facts);

// Every figure with num, den and percent (null for 0/0): `--format json`.
nlohmann::json MonthReportJson(const MonthReport& report);
// One line per figure: figure,numerator,denominator,percent (CSV, header first).
std::string MonthReportCsv(const MonthReport& report);
// One figure as every format labels it: the bookings made by channel
// (key "channel:<name>"), then the rates in the report's order, then the
// dissatisfied items ("dissatisfied:<item>"). Labels zh-CN and English.
struct FigureLabel {
  std::string key;
  std::string zh;
  std::string en;
  Ratio ratio;
};
std::vector<FigureLabel> MonthReportFigures(const MonthReport& report);
// A dissatisfied item's zh-CN label ("price" -> "价格").
const char* ItemLabelZh(const std::string& item);

// Bilingual text, zh-CN first, each figure with its fraction and percentage.
std::string MonthReportText(const MonthReport& report, const std::string& store_id);

}  // namespace outpost::kpi
