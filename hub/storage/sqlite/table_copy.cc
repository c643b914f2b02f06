// The SQLite side of migrate-db (hub/storage/table_copy.h): every table in
// sqlite_master, its columns from PRAGMA table_info, each value read with its
// storage class (typeof), so a row's values are exactly what SQLite holds.
#include "hub/storage/sqlite/table_copy.h"

#include <algorithm>

#include "sync/i18n/messages.h"
#include "sync/sqlite.h"

namespace outpost::hub::storage::sqlite {
namespace {

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

class SqliteTableWriter : public TableWriter {
 public:
  SqliteTableWriter(Db& db, std::unique_ptr<Transaction> tx) : db_(db), tx_(std::move(tx)) {}

  Status Put(const TableShape& table, const std::vector<CopyValue>& row) override {
    std::string sql = "INSERT INTO " + Quoted(table.name) + " (";
    std::string marks;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      sql += (i ? ", " : "") + Quoted(table.columns[i]);
      marks += i ? ", ?" : "?";
    }
    ASSIGN_OR_RETURN(Statement st, db_.Prepare(sql + ") VALUES (" + marks + ")"));
    for (size_t i = 0; i < row.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      switch (row[i].kind) {
        case CopyValue::Kind::kNull:
          st.BindNull(index);
          break;
        case CopyValue::Kind::kInt:
          st.Bind(index, row[i].number);
          break;
        case CopyValue::Kind::kText:
          st.Bind(index, row[i].text);
          break;
        case CopyValue::Kind::kBytes:
          st.BindBlob(index, row[i].text.data(), row[i].text.size());
          break;
      }
    }
    return st.Run();
  }

  Status Commit() override { return tx_->Commit(); }

 private:
  Db& db_;
  std::unique_ptr<Transaction> tx_;
};

class SqliteTableCopy : public TableCopy {
 public:
  explicit SqliteTableCopy(std::unique_ptr<Db> db) : db_(std::move(db)) {}

  Result<std::vector<TableShape>> Tables() override {
    ASSIGN_OR_RETURN(Statement names,
                     db_->Prepare("SELECT name FROM sqlite_master WHERE type = 'table'"
                                  " AND name NOT LIKE 'sqlite_%' ORDER BY name"));
    ASSIGN_OR_RETURN(auto tables, names.TextColumn());
    std::vector<TableShape> shapes;
    for (const std::string& name : tables) {
      ASSIGN_OR_RETURN(Statement info, db_->Prepare("SELECT name FROM pragma_table_info(?)"
                                                    " ORDER BY cid"));
      info.Bind(1, name);
      ASSIGN_OR_RETURN(auto columns, info.TextColumn());
      shapes.push_back({name, std::move(columns)});
    }
    std::stable_partition(shapes.begin(), shapes.end(),
                          [](const TableShape& t) { return !CountedByTriggers(t.name); });
    return shapes;
  }

  Status HoldSnapshot() override {
    ASSIGN_OR_RETURN(snapshot_, Transaction::BeginRead(*db_));
    return Status::Ok();
  }

  Status ForEachRow(const TableShape& table, const RowVisitor& visit) override {
    std::string sql = "SELECT ";
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const std::string column = Quoted(table.columns[i]);
      sql += (i ? ", typeof(" : "typeof(") + column + "), " + column;
    }
    ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql + " FROM " + Quoted(table.name)));
    std::vector<CopyValue> row(table.columns.size());
    while (true) {
      ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) return Status::Ok();
      for (size_t i = 0; i < row.size(); ++i) {
        const int at = static_cast<int>(2 * i);
        const std::string kind = st.Text(at);
        CopyValue& value = row[i];
        value = CopyValue{};
        if (kind == "integer") {
          value.kind = CopyValue::Kind::kInt;
          value.number = st.Int(at + 1);
        } else if (kind == "text") {
          value.kind = CopyValue::Kind::kText;
          value.text = st.Text(at + 1);
        } else if (kind == "blob") {
          value.kind = CopyValue::Kind::kBytes;
          value.text = st.Blob(at + 1);
        } else if (kind != "null") {
          // The hub's schema has no REAL column: one is not copied by guesswork.
          return Status::Refused(table.name + "." + table.columns[i] + " holds a " + kind +
                                 " value, which a hub's tables never hold")
              .WithShown(i18n::Format("{0}.{1} holds a {2} value, which a hub's tables never hold",
                                      {table.name, table.columns[i], kind}));
        }
      }
      RETURN_IF_ERROR(visit(row));
    }
  }

  Result<std::unique_ptr<TableWriter>> BeginImport() override {
    ASSIGN_OR_RETURN(auto tables, Tables());
    ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    // Tables are written in name order: their foreign keys are checked at the commit.
    RETURN_IF_ERROR(db_->Exec("PRAGMA defer_foreign_keys = ON"));
    ASSIGN_OR_RETURN(Statement held, db_->Prepare("SELECT (SELECT count(*) FROM changes) +"
                                                  " (SELECT count(*) FROM stores)"));
    ASSIGN_OR_RETURN(bool row, held.Step());
    if (row && held.Int(0) > 0) {
      return Status::Refused("'" + db_->path() +
                             "' already holds a hub's data: migrate-db copies into an empty hub")
          .WithShown(
              i18n::Format("'{0}' already holds a hub's data: migrate-db copies into an empty hub",
                           {db_->path()}));
    }
    held.Reset();
    // What a new hub's migrations seeded (its bookkeeping rows) gives way to the copy's.
    for (const TableShape& table : tables) {
      RETURN_IF_ERROR(db_->Exec("DELETE FROM " + Quoted(table.name)));
    }
    return std::unique_ptr<TableWriter>(new SqliteTableWriter(*db_, std::move(tx)));
  }

 private:
  std::unique_ptr<Db> db_;
  std::unique_ptr<Transaction> snapshot_;  // HoldSnapshot's read transaction
};

}  // namespace

Result<std::unique_ptr<TableCopy>> OpenSqliteTableCopy(const std::string& path) {
  ASSIGN_OR_RETURN(auto db, Db::Open(path, {.create_if_missing = false}));
  return std::unique_ptr<TableCopy>(new SqliteTableCopy(std::move(db)));
}

}  // namespace outpost::hub::storage::sqlite
