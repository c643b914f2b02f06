// ChangeWriter: the one door through which the store's change log is written.
//
// Every edge mutation writes its row(s) and its change_log entry in one
// transaction, so the tables and the log never disagree (the SIGKILL crash
// test checks it). The component that owns a table writes the row; it then
// calls Record() on the same connection before the caller commits. Record()
// refuses to run outside a write transaction (an assert: a caller that forgot
// its transaction is our bug, not the user's), so an entry can never be
// committed apart from its row. AppendVerbatim() is called by replay inside
// the transaction that applies the entry to the tables (edge/replay.h).
//
// Two kinds of entry reach the log:
//   - a new change made here (Record): seq, clock and hash chained on the log's
//     last entry, stamped with the store's site id and the schema version;
//   - an entry made earlier and fetched back (AppendVerbatim: rebuild,
//     point-in-time replay, re-fetching lost changes): appended as it is, after
//     checking it continues the local log (seq and hash chain).
// Thread-compatible: one writer per Db, used by one thread at a time.
#pragma once

#include <optional>
#include <string>

#include "sync/changelog.h"
#include "sync/clock.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

// A row the tables' owners write whose key may be there already: a live
// write must be the first (an error otherwise: its caller checked), a row
// replayed from the log keeps the one written first.
enum class OnExisting { kFail, kKeepFirst };

class ChangeWriter {
 public:
  // `db` and `clock` outlive the writer.
  ChangeWriter(Db& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The store whose log this is (known once its settings are loaded).
  void set_site(const std::string& site_id) { site_id_ = site_id; }

  // Appends a new entry for a change just written to the tables, in the
  // caller's write transaction. `fields_json` is the entity's codec output
  // (sync/model/): the whole entity on insert, only what changed on update.
  Status Record(const std::string& entity, const std::string& id, const std::string& op,
                const std::string& fields_json, const std::string& staff,
                const std::optional<std::string>& business_time = std::nullopt);

  // Whether the log holds any entry of `entity` (e.g. "store": the calendar).
  Result<bool> HasEntries(const std::string& entity);

  // Appends `entry` verbatim (same seq, same hash). Refuses an entry that does
  // not continue the local log. In the caller's write transaction.
  static Status AppendVerbatim(Db& db, const ChangeEntry& entry);

  // The newest seq in the log, 0 when empty.
  static Result<int64_t> LastSeq(Db& db);

 private:
  Db& db_;
  const Clock& clock_;
  std::string site_id_;
};

}  // namespace outpost::edge
