// Paper bookkeeping: which paper form became which booking, each committed
// import of a sheet's scan (with its report), and the pre-printed form numbers
// handed out per day (tables paper_forms, paper_imports, paper_form_counters).
//
// This file is the only place that reads or writes those tables; the store
// (a promised booking from a form, the import's record, the sheet's numbers)
// and replay (a booking logged with its form id) call it. The paper import
// itself (edge/paper.h) decides what each form becomes. Functions act on the
// caller's Db, inside the caller's transaction when they write;
// thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "edge/change_writer.h"
#include "sync/civil_time.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

struct PaperFormRow {
  std::string form_id;       // "F261124-001"
  std::string import_batch;  // the import that booked it ("" when not known)
  std::string outcome;       // "booked" or "duplicate" (the visit was booked already)
  std::string booking_id;    // the booking made, or the one already there
  std::string imported_at;   // UTC text
};

Status WritePaperForm(Db& db, const PaperFormRow& form, OnExisting on_existing);

// The import batch and booking ref a paper form was imported as, if it was.
Result<std::optional<std::pair<std::string, std::string>>> FindPaperForm(
    Db& db, const std::string& form_id);

// Records a committed import of one file and its report.
Status WritePaperImport(Db& db, const std::string& batch_id, const std::string& file_name,
                        const std::string& file_digest, const std::string& operator_name,
                        const std::string& imported_at, const std::string& report_json);

// An earlier import of the same file bytes, if any: (batch id, imported at).
Result<std::optional<std::pair<std::string, std::string>>> FindPaperImportOf(
    Db& db, const std::string& file_digest);

// Takes `count` more form numbers of `day`; returns the last one taken (the
// caller refuses past 999 and rolls back).
Result<int> TakeFormNumbers(Db& db, const LocalDate& day, int count);

}  // namespace outpost::edge
