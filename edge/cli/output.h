// What more than one of outpost-edge's command groups needs (edge/cli/commands.h):
// opening the store, the staff member, failures, and bookings and customers as
// the desk prints them (text and JSON).
#pragma once

#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "edge/cli/commands.h"
#include "edge/store.h"

namespace outpost::edge::cli {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;

// Prints "outpost-edge: <status>" on one line and returns its exit code.
int Fail(const DeskRun& run, const Status& st);
Result<std::unique_ptr<Store>> OpenStore(const DeskRun& run);
// The staff member at the desk; InvalidInput naming both ways to say it when none.
Result<std::string> RequireStaff(const DeskRun& run);

nlohmann::json OptionalJson(const std::optional<std::string>& v);
// The booking as logged (sync/model/booking.h), its customer and plate joined.
nlohmann::json BookingJson(const Booking& b);
nlohmann::json CustomerJson(const Customer& c);
// Phones as people read them, comma-separated.
std::string Phones(const std::vector<std::string>& phones);
// "advisor SA Wang, bay 3, team A组": what of the three is set; empty when none.
std::string AssignedText(const Booking& b);
// One line per booking, as on the SA's board: BookingCells joined by two spaces.
std::string BookingLine(const Booking& b);
// The booking's columns on the board: ref, status, name, phones, plate (may be
// empty), service and channel, flags (may be empty), assignment (may be empty).
std::vector<std::string> BookingCells(const Booking& b);
// "SMS opted out (2026-11-23 SA Zhang at S1), WeChat not asked, ...": each
// statement's day as this store's calendar has it.
std::string ConsentLine(const Store& store,
                        std::span<const ConsentStatement, kContactChannelCount> channels);

// The booking, JSON or a few lines headed "<verb> <ref>"; returns kExitOk.
int PrintBooking(const DeskRun& run, const Store& store, const Booking& b, const std::string& verb);
void PrintCustomer(const DeskRun& run, const Store& store, const Customer& c);

// A follow-up task as the desk shows it (defined in tasks.cc; `tasks` and
// `calls` print them): one line, labels zh-CN first; and its JSON.
std::string TaskText(const Store& store, const TaskLine& line);
nlohmann::json TaskLineJson(const Store& store, const TaskLine& line);
// A dissatisfied item with its zh-CN label first: "维修质量 repair_quality".
std::string ItemLabel(const std::string& item);
// The desk's warning for an open complaint when the customer is shown:
// "注意 open complaint: 维修质量 repair_quality since 2026-11-20 (...)".
std::string ComplaintWarning(const Store& store, const model::Task& complaint);

}  // namespace outpost::edge::cli
