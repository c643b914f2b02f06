#include "edge/field_rows.h"

namespace outpost::edge {

using nlohmann::json;

std::string FieldColumnList(std::span<const FieldColumn> columns) {
  std::string out = "id";
  for (const FieldColumn& c : columns) out += std::string(", ") + c.name;
  return out;
}

std::string ReplaceRowSql(const std::string& table, std::span<const FieldColumn> columns) {
  std::string marks = "?";
  for (size_t i = 0; i < columns.size(); ++i) marks += ", ?";
  return "INSERT OR REPLACE INTO " + table + " (" + FieldColumnList(columns) + ") VALUES (" +
         marks + ")";
}

json FieldsOfRow(const Statement& st, std::span<const FieldColumn> columns) {
  json fields = json::object();
  for (size_t i = 0; i < columns.size(); ++i) {
    const int col = static_cast<int>(i) + 1;
    const FieldColumn& c = columns[i];
    if (st.IsNull(col)) {
      fields[c.name] = nullptr;
    } else if (c.kind == FieldColumn::Kind::kInt) {
      fields[c.name] = st.Int(col);
    } else if (c.kind == FieldColumn::Kind::kJson) {
      fields[c.name] = json::parse(st.Text(col), nullptr, false);
    } else {
      fields[c.name] = st.Text(col);
    }
  }
  return fields;
}

void BindFieldRow(Statement& st, const std::string& id, const json& fields,
                  std::span<const FieldColumn> columns) {
  st.Bind(1, id);
  for (size_t i = 0; i < columns.size(); ++i) {
    const int index = static_cast<int>(i) + 2;
    const json& v = fields.contains(columns[i].name) ? fields[columns[i].name] : json(nullptr);
    if (v.is_null()) {
      st.BindNull(index);
    } else if (v.is_string()) {
      st.Bind(index, v.get<std::string>());
    } else if (v.is_number_integer()) {
      st.Bind(index, v.get<int64_t>());
    } else {
      st.Bind(index, v.dump());  // a list or object: its JSON text
    }
  }
}

}  // namespace outpost::edge
