// Rows whose columns after `id` are named as an entity's logged fields
// (tables messages and tasks): a row read into the fields its codec reads,
// and a codec's fields bound to the columns. Written once so each table's
// owner (edge/outreach.cc, edge/tasks.cc) keeps only its column list and its
// queries; the columns being the fields is what lets verify compare a table
// with the fold of the log key by key (edge/replay.cc). Used by the owners'
// SQL only. Stateless; thread-compatible like the Statement it is given.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

// A column and how its value is held: text, an integer, or JSON text (a list).
struct FieldColumn {
  enum class Kind { kText, kInt, kJson };
  const char* name;
  Kind kind = Kind::kText;
};

// "id, a, b, ...": the id, then every column.
std::string FieldColumnList(std::span<const FieldColumn> columns);
// "INSERT OR REPLACE INTO table (id, ...) VALUES (?, ...)".
std::string ReplaceRowSql(const std::string& table, std::span<const FieldColumn> columns);
// The columns of the current row from index 1 on (0 is the id), keyed by
// name; NULL as null. JSON text that does not parse stays a discarded value,
// which the codec then refuses naming the field.
nlohmann::json FieldsOfRow(const Statement& st, std::span<const FieldColumn> columns);
// Binds the id as ?1 and each column's field from `fields` as ?2, ?3, ...
void BindFieldRow(Statement& st, const std::string& id, const nlohmann::json& fields,
                  std::span<const FieldColumn> columns);

// Every row of `st`, each read by `read`; the first that does not read stops it.
template <typename T>
Result<std::vector<T>> ReadRows(Statement& st, Result<T> (*read)(const Statement&)) {
  std::vector<T> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(T one, read(st));
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace outpost::edge
