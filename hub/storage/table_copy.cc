#include "hub/storage/table_copy.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "sync/changelog.h"

namespace outpost::hub::storage {
namespace {

// A row's digest input: each value as its kind and its length-prefixed bytes,
// so no two different rows encode alike.
void HashValue(crypto_generichash_state& state, const CopyValue& value) {
  const auto kind = static_cast<unsigned char>(value.kind);
  crypto_generichash_update(&state, &kind, 1);
  std::string bytes;
  if (value.kind == CopyValue::Kind::kInt) bytes = std::to_string(value.number);
  if (value.kind == CopyValue::Kind::kText || value.kind == CopyValue::Kind::kBytes) {
    bytes = value.text;
  }
  const uint64_t len = bytes.size();
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&len), sizeof len);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

}  // namespace

bool CountedByTriggers(const std::string& table) {
  for (const char* name : kCountedByTriggers) {
    if (table == name) return true;
  }
  return false;
}

Result<std::vector<TableDigest>> DigestTables(TableCopy& copy) {
  ASSIGN_OR_RETURN(auto tables, copy.Tables());
  std::vector<TableDigest> digests;
  for (const TableShape& table : tables) {
    // Column order differs between backends (SQLite appends ALTERed columns):
    // values are hashed in the order of their columns' names.
    std::vector<size_t> by_name(table.columns.size());
    for (size_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
    std::sort(by_name.begin(), by_name.end(),
              [&](size_t a, size_t b) { return table.columns[a] < table.columns[b]; });
    // Lane-wise sums of the rows' hashes: the digest does not depend on the
    // order either backend returns rows in.
    std::array<uint64_t, 4> sums{};
    int64_t rows = 0;
    RETURN_IF_ERROR(copy.ForEachRow(table, [&](const std::vector<CopyValue>& row) -> Status {
      crypto_generichash_state state;
      crypto_generichash_init(&state, nullptr, 0, 32);
      for (const size_t i : by_name) {
        const auto len = static_cast<uint64_t>(table.columns[i].size());
        crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&len), sizeof len);
        crypto_generichash_update(
            &state, reinterpret_cast<const unsigned char*>(table.columns[i].data()), len);
        HashValue(state, row[i]);
      }
      std::array<unsigned char, 32> hash{};
      crypto_generichash_final(&state, hash.data(), hash.size());
      for (size_t lane = 0; lane < sums.size(); ++lane) {
        uint64_t v = 0;
        std::memcpy(&v, hash.data() + lane * sizeof v, sizeof v);
        sums[lane] += v;
      }
      ++rows;
      return Status::Ok();
    }));
    Hash256 out{};
    std::memcpy(out.data(), sums.data(), out.size());
    digests.push_back({table.name, rows, HashHex(out)});
  }
  return digests;
}

}  // namespace outpost::hub::storage
