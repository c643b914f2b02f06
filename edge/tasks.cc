#include "edge/tasks.h"

#include <nlohmann/json.hpp>

#include "edge/field_rows.h"
#include "sync/i18n/messages.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

using Kind = FieldColumn::Kind;

// Every column but the id, named as the codec names the field (the table's
// invariant, which verify relies on). `attempts` holds the JSON list,
// `complaint` the JSON object (NULL but for a complaint).
constexpr FieldColumn kTaskColumns[] = {{"store_id"},
                                        {"kind"},
                                        {"customer_id"},
                                        {"vehicle_id"},
                                        {"booking_id"},
                                        {"idempotency_key"},
                                        {"owner"},
                                        {"due_from"},
                                        {"due_by"},
                                        {"status"},
                                        {"attempts", Kind::kJson},
                                        {"outcome"},
                                        {"reason"},
                                        {"created_at"},
                                        {"created_by"},
                                        {"updated_at"},
                                        {"complaint", Kind::kJson}};

const std::string& SelectTasks() {
  static const std::string sql = "SELECT " + FieldColumnList(kTaskColumns) + " FROM tasks";
  return sql;
}

// Soonest last day first: what is about to be late is called first.
constexpr const char* kDeskOrder = " ORDER BY due_by, due_from, created_at, id";

// The row read back through the codec, so a damaged row is named, never used.
Result<model::Task> TaskOfRow(const Statement& st) {
  auto t = model::ParseTask(st.Text(0), FieldsOfRow(st, kTaskColumns));
  if (!t.ok()) {
    return Status::Corruption("tasks row " + st.Text(0) + ": " + t.status().message())
        .WithShown(i18n::Format("tasks row {0}: {1}", {st.Text(0), t.status().shown()}));
  }
  return t;
}

Result<std::vector<model::Task>> ReadTasks(Statement& st) { return ReadRows(st, &TaskOfRow); }

// Writes the row as `t` now is (insert or replace), every field in its column.
Status WriteTaskRow(Db& db, const model::Task& t) {
  static const std::string sql = ReplaceRowSql("tasks", kTaskColumns);
  ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  BindFieldRow(st, t.id, model::TaskJson(t), kTaskColumns);
  return st.Run();
}

}  // namespace

Result<std::optional<model::Task>> FindTask(Db& db, const std::string& id) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(SelectTasks() + " WHERE id = ?"));
  st.Bind(1, id);
  ASSIGN_OR_RETURN(auto found, ReadTasks(st));
  if (found.empty()) return std::optional<model::Task>();
  return std::optional<model::Task>(std::move(found.front()));
}

Result<model::Task> ResolveTask(Db& db, const std::string& id_or_suffix) {
  if (id_or_suffix.size() < 4) {
    return Status::InvalidInput("task: '" + id_or_suffix +
                                "' is too short; type at least its last 4 characters")
        .WithShown(i18n::Format("task: '{0}' is too short; type at least its last 4 characters",
                                {id_or_suffix}))
        .WithField("task");
  }
  ASSIGN_OR_RETURN(Statement st, db.Prepare(SelectTasks() + " WHERE id = ?1 OR id LIKE '%' || ?1"));
  st.Bind(1, id_or_suffix);
  ASSIGN_OR_RETURN(auto found, ReadTasks(st));
  if (found.empty()) {
    return Status::NotFound("task: no task '" + id_or_suffix + "'")
        .WithShown(i18n::Format("task: no task '{0}'", {id_or_suffix}))
        .WithField("task");
  }
  if (found.size() > 1) {
    return Status::InvalidInput("task: '" + id_or_suffix + "' matches " +
                                std::to_string(found.size()) + " tasks; type more of its id")
        .WithShown(i18n::Format("task: '{0}' matches {1} tasks; type more of its id",
                                {id_or_suffix, std::to_string(found.size())}))
        .WithField("task");
  }
  return std::move(found.front());
}

Status InsertTask(Db& db, ChangeWriter& log, const model::Task& task, const std::string& staff) {
  ASSIGN_OR_RETURN(auto existing, FindTask(db, task.id));
  if (existing) {
    return Status::Conflict("task " + task.id + " exists already")
        .WithShown(i18n::Format("task {0} exists already", {task.id}));
  }
  RETURN_IF_ERROR(WriteTaskRow(db, task));
  return log.Record("task", task.id, "insert", model::TaskInsertFields(task).dump(), staff);
}

Status UpdateTask(Db& db, ChangeWriter& log, model::Task& task, const model::TaskUpdate& update,
                  const std::string& staff) {
  model::ApplyTaskUpdate(update, task);
  RETURN_IF_ERROR(WriteTaskRow(db, task));
  return log.Record("task", task.id, "update", model::TaskUpdateFields(update).dump(), staff);
}

Status PutTaskFromLog(Db& db, const model::Task& task) { return WriteTaskRow(db, task); }

Result<std::vector<model::Task>> OpenTasksFrom(Db& db, const std::string& day) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(SelectTasks() +
                                            " WHERE status = 'open' AND"
                                            " due_from <= ?" +
                                            kDeskOrder));
  st.Bind(1, day);
  return ReadTasks(st);
}

Result<std::vector<model::Task>> AllTasks(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(SelectTasks() + kDeskOrder));
  return ReadTasks(st);
}

Result<std::vector<model::Task>> OpenTasksOfKind(Db& db, const std::string& kind) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(SelectTasks() + " WHERE status = 'open' AND kind = ?" + kDeskOrder));
  st.Bind(1, kind);
  return ReadTasks(st);
}

Result<std::vector<model::Task>> OpenComplaintsOf(Db& db, const std::string& customer_id) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(SelectTasks() + " WHERE kind = 'complaint' AND status = 'open'"
                                              " AND customer_id = ? ORDER BY created_at, id"));
  st.Bind(1, customer_id);
  return ReadTasks(st);
}

}  // namespace outpost::edge
