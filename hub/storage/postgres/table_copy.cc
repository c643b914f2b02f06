// The PostgreSQL side of migrate-db (hub/storage/table_copy.h): the tables of
// the current schema (not schema_version, the backend's own bookkeeping),
// parents before the tables whose foreign keys name them, each value read by
// its column's declared type; an import streams each table with COPY.
#include "hub/storage/postgres/table_copy.h"

#include <libpq-fe.h>

#include <algorithm>
#include <map>
#include <set>

#include "hub/storage/postgres/pg.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::storage::postgres {
namespace {

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

void AddCopyValue(PgCopyRows& rows, const CopyValue& value) {
  switch (value.kind) {
    case CopyValue::Kind::kNull:
      rows.AddNull();
      break;
    case CopyValue::Kind::kInt:
      rows.Add(value.number);
      break;
    case CopyValue::Kind::kText:
      rows.Add(value.text);
      break;
    case CopyValue::Kind::kBytes:
      rows.AddBytes(value.text.data(), value.text.size());
      break;
  }
}

enum class ColumnKind { kInt, kBool, kBytes, kText };

ColumnKind KindOf(const std::string& data_type) {
  if (data_type == "bigint" || data_type == "integer" || data_type == "smallint") {
    return ColumnKind::kInt;
  }
  if (data_type == "boolean") return ColumnKind::kBool;
  if (data_type == "bytea") return ColumnKind::kBytes;
  return ColumnKind::kText;
}

class PgTableWriter : public TableWriter {
 public:
  PgTableWriter(PgConnection& db, std::unique_ptr<PgTransaction> tx)
      : db_(db), tx_(std::move(tx)) {}

  Status Put(const TableShape& table, const std::vector<CopyValue>& row) override {
    if (copying_ != table.name) {
      RETURN_IF_ERROR(EndCopy());
      std::string sql = "COPY " + Quoted(table.name) + " (";
      for (size_t i = 0; i < table.columns.size(); ++i) {
        sql += (i ? ", " : "") + Quoted(table.columns[i]);
      }
      PGresult* started = PQexec(db_.raw(), (sql + ") FROM STDIN").c_str());
      const bool ok = PQresultStatus(started) == PGRES_COPY_IN;
      Status st = ok ? Status::Ok() : db_.ResultStatus(started, "COPY " + table.name);
      PQclear(started);
      RETURN_IF_ERROR(st);
      copying_ = table.name;
    }
    PgCopyRows line;
    for (const CopyValue& value : row) AddCopyValue(line, value);
    line.EndRow();
    if (line.holds_nul()) {
      // English only: as a NUL in a bound parameter, a programming error.
      return Status::IoError("COPY " + table.name + ": a value holds a NUL byte");
    }
    if (PQputCopyData(db_.raw(), line.text().data(), static_cast<int>(line.text().size())) != 1) {
      return Status::IoError("COPY " + table.name + ": " + PQerrorMessage(db_.raw()))
          .WithShown(i18n::Format("COPY {0}: {1}", {table.name, PQerrorMessage(db_.raw())}));
    }
    return Status::Ok();
  }

  Status Commit() override {
    RETURN_IF_ERROR(EndCopy());
    // Identity columns go on after the highest id copied, as SQLite's rowids do.
    ASSIGN_OR_RETURN(PgStatement identities,
                     db_.Prepare("SELECT table_name, column_name FROM information_schema.columns"
                                 " WHERE table_schema = current_schema() AND is_identity = 'YES'"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, identities.Step());
      if (!row) break;
      const std::string table = identities.Text(0);
      const std::string column = identities.Text(1);
      ASSIGN_OR_RETURN(PgStatement reset,
                       db_.Prepare("SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max(" +
                                   Quoted(column) + "), 0) + 1, false) FROM " + Quoted(table)));
      reset.Bind(1, Quoted(table)).Bind(2, column);
      RETURN_IF_ERROR(reset.Run());
    }
    // The planner's statistics of the rows just copied, in the same
    // transaction: without them it guesses, and the first reports on the new
    // hub scan whole tables until autovacuum gets round to them.
    RETURN_IF_ERROR(db_.Exec("ANALYZE"));
    RETURN_IF_ERROR(tx_->Commit());
    // Then, outside any transaction (VACUUM cannot run in one), every copied
    // page is marked all-visible: the month report's covering indexes
    // (hub_pg/0002) are then read without visiting the table, from the
    // first report on instead of after autovacuum's first pass.
    return db_.Exec("VACUUM");
  }

 private:
  Status EndCopy() {
    if (copying_.empty()) return Status::Ok();
    const std::string table = std::exchange(copying_, "");
    if (PQputCopyEnd(db_.raw(), nullptr) != 1) {
      return Status::IoError("COPY " + table + ": " + PQerrorMessage(db_.raw()))
          .WithShown(i18n::Format("COPY {0}: {1}", {table, PQerrorMessage(db_.raw())}));
    }
    Status st = Status::Ok();
    while (PGresult* result = PQgetResult(db_.raw())) {
      if (st.ok() && PQresultStatus(result) != PGRES_COMMAND_OK) {
        st = db_.ResultStatus(result, "COPY " + table);
      }
      PQclear(result);
    }
    return st;
  }

  PgConnection& db_;
  std::unique_ptr<PgTransaction> tx_;
  std::string copying_;  // the table a COPY is open for, if any
};

class PgTableCopy : public TableCopy {
 public:
  explicit PgTableCopy(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<std::vector<TableShape>> Tables() override {
    ASSIGN_OR_RETURN(PgStatement names,
                     db_->Prepare("SELECT c.relname FROM pg_class c JOIN pg_namespace n"
                                  " ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                                  " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                                  " AND c.relname <> 'schema_version' ORDER BY c.relname"));
    ASSIGN_OR_RETURN(auto tables, names.TextColumn());
    std::vector<TableShape> shapes;
    for (const std::string& name : tables) {
      ASSIGN_OR_RETURN(PgStatement info,
                       db_->Prepare("SELECT column_name, data_type FROM information_schema.columns"
                                    " WHERE table_schema = current_schema() AND table_name = ?"
                                    " ORDER BY ordinal_position"));
      info.Bind(1, name);
      TableShape shape{name, {}};
      auto& kinds = kinds_[name];
      while (true) {
        ASSIGN_OR_RETURN(bool row, info.Step());
        if (!row) break;
        shape.columns.push_back(info.Text(0));
        kinds[info.Text(0)] = KindOf(info.Text(1));
      }
      shapes.push_back(std::move(shape));
    }
    return InImportOrder(shapes);
  }

  Status HoldSnapshot() override {
    ASSIGN_OR_RETURN(snapshot_, PgTransaction::BeginRead(*db_));
    return Status::Ok();
  }

  Status ForEachRow(const TableShape& table, const RowVisitor& visit) override {
    if (!kinds_.contains(table.name)) RETURN_IF_ERROR(Tables().status());
    std::vector<ColumnKind> kinds;
    std::string sql = "SELECT ";
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const auto& known = kinds_[table.name];
      const auto column = known.find(table.columns[i]);
      if (column == known.end()) {
        return Status::NotFound("no column " + table.name + "." + table.columns[i] + " here")
            .WithShown(i18n::Format("no column {0}.{1} here", {table.name, table.columns[i]}));
      }
      kinds.push_back(column->second);
      sql += (i ? ", " : "") + Quoted(table.columns[i]);
    }
    std::unique_ptr<PgTransaction> tx;
    if (PQtransactionStatus(db_->raw()) == PQTRANS_IDLE) {
      ASSIGN_OR_RETURN(tx, PgTransaction::BeginRead(*db_));
    }
    std::vector<CopyValue> row(table.columns.size());
    return db_->ForEachRow(
        sql + " FROM " + Quoted(table.name), [](PgStatement&) {},
        [&](const PgRow& r) -> Status {
          for (size_t i = 0; i < row.size(); ++i) {
            const int column = static_cast<int>(i);
            row[i] = CopyValue{};
            if (r.IsNull(column)) continue;
            switch (kinds[i]) {
              case ColumnKind::kInt:
                row[i].kind = CopyValue::Kind::kInt;
                row[i].number = r.Int(column);
                break;
              case ColumnKind::kBool:
                row[i].kind = CopyValue::Kind::kInt;
                row[i].number = r.Text(column) == "t" ? 1 : 0;
                break;
              case ColumnKind::kBytes:
                row[i].kind = CopyValue::Kind::kBytes;
                row[i].text = r.Blob(column);
                break;
              case ColumnKind::kText:
                row[i].kind = CopyValue::Kind::kText;
                row[i].text = r.Text(column);
                break;
            }
          }
          return visit(row);
        });
  }

  Result<std::unique_ptr<TableWriter>> BeginImport() override {
    ASSIGN_OR_RETURN(auto tables, Tables());
    ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(*db_));
    ASSIGN_OR_RETURN(PgStatement held, db_->Prepare("SELECT (SELECT count(*) FROM changes) +"
                                                    " (SELECT count(*) FROM stores)"));
    ASSIGN_OR_RETURN(bool row, held.Step());
    if (row && held.Int(0) > 0) {
      const std::string where = RedactedUrl(db_->url());
      return Status::Refused("'" + where +
                             "' already holds a hub's data: migrate-db copies into an empty hub")
          .WithShown(i18n::Format(
              "'{0}' already holds a hub's data: migrate-db copies into an empty hub", {where}));
    }
    // What a new hub's migrations seeded gives way to the copy's; children first.
    for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
      RETURN_IF_ERROR(db_->Exec("DELETE FROM " + Quoted(it->name)));
    }
    return std::unique_ptr<TableWriter>(new PgTableWriter(*db_, std::move(tx)));
  }

 private:
  // Parents before children (foreign keys), then kCountedByTriggers last;
  // otherwise by name.
  Result<std::vector<TableShape>> InImportOrder(const std::vector<TableShape>& shapes) {
    ASSIGN_OR_RETURN(PgStatement fks,
                     db_->Prepare("SELECT conrelid::regclass::text, confrelid::regclass::text"
                                  " FROM pg_constraint WHERE contype = 'f'"
                                  " AND connamespace = current_schema()::regnamespace"));
    std::map<std::string, std::set<std::string>> parents;
    while (true) {
      ASSIGN_OR_RETURN(bool row, fks.Step());
      if (!row) break;
      if (fks.Text(0) != fks.Text(1)) parents[fks.Text(0)].insert(fks.Text(1));
    }
    std::vector<TableShape> ordered;
    std::set<std::string> placed;
    while (ordered.size() < shapes.size()) {
      const size_t before = ordered.size();
      for (const TableShape& shape : shapes) {
        if (placed.contains(shape.name)) continue;
        const auto& needs = parents[shape.name];
        if (std::all_of(needs.begin(), needs.end(),
                        [&](const std::string& p) { return placed.contains(p); })) {
          ordered.push_back(shape);
          placed.insert(shape.name);
        }
      }
      if (ordered.size() == before) {
        return Status::Corruption("the hub's foreign keys form a cycle");
      }
    }
    std::stable_partition(ordered.begin(), ordered.end(),
                          [](const TableShape& t) { return !CountedByTriggers(t.name); });
    return ordered;
  }

  std::unique_ptr<PgConnection> db_;
  std::unique_ptr<PgTransaction> snapshot_;  // HoldSnapshot's read transaction
  std::map<std::string, std::map<std::string, ColumnKind>> kinds_;  // by table, column
};

}  // namespace

Result<std::unique_ptr<TableCopy>> OpenPgTableCopy(const std::string& url) {
  ASSIGN_OR_RETURN(auto db, PgConnection::Connect(url));
  return std::unique_ptr<TableCopy>(new PgTableCopy(std::move(db)));
}

}  // namespace outpost::hub::storage::postgres
