#include "hub/migrate_db.h"

#include <algorithm>
#include <map>

#include "hub/hub.h"
#include "sync/i18n/messages.h"

namespace outpost::hub {
namespace {

using storage::CopyValue;
using storage::TableCopy;
using storage::TableShape;

// `what`: English; `shown`: the same in the reader's language.
Status SchemasDiffer(const std::string& what, const std::string& shown) {
  return Status::Refused("the two hubs' schemas differ: " + what)
      .WithShown(i18n::Format("the two hubs' schemas differ: {0}", {shown}));
}

// Each destination table with the source's, column for column by name.
Result<std::vector<TableShape>> MatchTables(const std::vector<TableShape>& source,
                                            const std::vector<TableShape>& destination) {
  std::map<std::string, std::vector<std::string>> source_columns;
  for (const TableShape& t : source) {
    auto columns = t.columns;
    std::sort(columns.begin(), columns.end());
    source_columns[t.name] = std::move(columns);
  }
  for (const TableShape& t : destination) {
    const auto found = source_columns.find(t.name);
    if (found == source_columns.end()) {
      return SchemasDiffer("no table " + t.name + " in --from",
                           i18n::Format("no table {0} in --from", {t.name}));
    }
    auto columns = t.columns;
    std::sort(columns.begin(), columns.end());
    if (columns != found->second) {
      return SchemasDiffer("the columns of " + t.name,
                           i18n::Format("the columns of {0}", {t.name}));
    }
    source_columns.erase(found);
  }
  if (!source_columns.empty()) {
    const std::string& name = source_columns.begin()->first;
    return SchemasDiffer("no table " + name + " in --to",
                         i18n::Format("no table {0} in --to", {name}));
  }
  return destination;
}

Result<int64_t> CopyRows(TableCopy& source, storage::TableWriter& writer,
                         const std::vector<TableShape>& tables, const MigrationProgress& progress) {
  int64_t total = 0;
  for (size_t i = 0; i < tables.size(); ++i) {
    int64_t rows = 0;
    RETURN_IF_ERROR(source.ForEachRow(tables[i], [&](const std::vector<CopyValue>& row) {
      ++rows;
      return writer.Put(tables[i], row);
    }));
    total += rows;
    if (progress) progress(tables[i].name, rows, i + 1, tables.size());
  }
  RETURN_IF_ERROR(writer.Commit());
  return total;
}

Result<std::string> StateDigestOf(const std::string& location, const SecretKeys& keys,
                                  const Clock& clock) {
  ASSIGN_OR_RETURN(auto hub, Hub::Open(location, keys, clock));
  return hub->StateDigest();
}

}  // namespace

Result<MigrationReport> MigrateHub(const std::string& from, const std::string& to,
                                   const SecretKeys& keys, const Clock& clock,
                                   const MigrationProgress& progress) {
  // Both ends on the current schema: the source migrated forward on opening,
  // the destination made new (refused when it exists or holds a hub).
  ASSIGN_OR_RETURN(const std::string source_state, StateDigestOf(from, keys, clock));
  RETURN_IF_ERROR(Hub::Create(to, keys, clock).status());

  ASSIGN_OR_RETURN(auto source, storage::OpenTableCopy(from));
  RETURN_IF_ERROR(source->HoldSnapshot());
  ASSIGN_OR_RETURN(auto destination, storage::OpenTableCopy(to));
  ASSIGN_OR_RETURN(auto source_tables, source->Tables());
  ASSIGN_OR_RETURN(auto destination_tables, destination->Tables());
  ASSIGN_OR_RETURN(auto tables, MatchTables(source_tables, destination_tables));
  MigrationReport report;
  {
    ASSIGN_OR_RETURN(auto writer, destination->BeginImport());
    ASSIGN_OR_RETURN(report.rows, CopyRows(*source, *writer, tables, progress));
  }

  // The proof: every table holds the same rows on both sides...
  ASSIGN_OR_RETURN(auto source_digests, storage::DigestTables(*source));
  ASSIGN_OR_RETURN(report.tables, storage::DigestTables(*destination));
  std::map<std::string, storage::TableDigest> by_table;
  for (auto& d : source_digests) by_table[d.table] = d;
  for (const auto& d : report.tables) {
    const auto& s = by_table[d.table];
    if (s.rows != d.rows || s.digest_hex != d.digest_hex) {
      return Status::Corruption("the copy of " + d.table + " differs: " + std::to_string(s.rows) +
                                " rows in --from, " + std::to_string(d.rows) + " in --to")
          .WithShown(i18n::Format("the copy of {0} differs: {1} rows in --from, {2} in --to",
                                  {d.table, std::to_string(s.rows), std::to_string(d.rows)}));
    }
  }
  // ...and the hub reads the same consolidated state from them.
  ASSIGN_OR_RETURN(report.state_digest, StateDigestOf(to, keys, clock));
  if (report.state_digest != source_state) {
    return Status::Corruption("the copy's state digest " + report.state_digest +
                              " differs from the source's " + source_state)
        .WithShown(i18n::Format("the copy's state digest {0} differs from the source's {1}",
                                {report.state_digest, source_state}));
  }
  return report;
}

}  // namespace outpost::hub
