#include "tests/pg/pg_cluster.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace outpost::testing {
namespace {

constexpr std::string_view kDuplicateDatabase = "42P04";
// PostgreSQL truncates identifiers longer than this (NAMEDATALEN - 1).
constexpr size_t kMaxIdentifierBytes = 63;
constexpr size_t kMaxHintBytes = 40;

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;
using QueryResult = std::unique_ptr<PGresult, ResultClearer>;

bool IsUrl(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

// libpq's message without its trailing newline.
std::string Trimmed(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

Result<Connection> Connect(const std::string& url) {
  Connection connection(PQconnectdb(url.c_str()));
  if (connection == nullptr) {
    // English only: a test harness's message, read by developers in test logs.
    return Status::IoError("cannot connect to PostgreSQL at " + RedactedPgUrl(url) +
                           ": out of memory");
  }
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    // English only: a test harness's message, read by developers in test logs.
    return Status::IoError("cannot connect to PostgreSQL at " + RedactedPgUrl(url) + ": " +
                           Trimmed(PQerrorMessage(connection.get())));
  }
  return connection;
}

// Runs `sql`; the failed statement's SQLSTATE goes to `sqlstate` when given.
Result<QueryResult> Run(PGconn* connection, const std::string& url, const std::string& sql,
                        std::string* sqlstate = nullptr) {
  QueryResult result(PQexec(connection, sql.c_str()));
  ExecStatusType status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
  if (sqlstate != nullptr) *sqlstate = state == nullptr ? "" : state;
  // English only: a test harness's message, read by developers in test logs.
  return Status::IoError("PostgreSQL at " + RedactedPgUrl(url) + " refused '" + sql +
                         "': " + Trimmed(PQerrorMessage(connection)));
}

// `hint` as the start of a database name: lower-case letters, digits and '_'.
std::string NamePrefix(const std::string& hint) {
  std::string prefix;
  for (char c : hint.substr(0, kMaxHintBytes)) {
    auto byte = static_cast<unsigned char>(c);
    prefix += std::isalnum(byte) != 0 && byte < 0x80 ? static_cast<char>(std::tolower(byte)) : '_';
  }
  if (prefix.empty() || std::isdigit(static_cast<unsigned char>(prefix.front())) != 0) {
    prefix.insert(0, "t_");
  }
  return prefix;
}

}  // namespace

std::string TestPgAdminUrl() {
  const char* url = std::getenv("OUTPOST_TEST_PG_URL");
  return url == nullptr ? "" : url;
}

std::string PgDatabaseUrl(const std::string& url, const std::string& database) {
  if (!IsUrl(url)) return url + " dbname=" + database;
  // postgresql://[authority][/database][?parameters]: the authority ends at
  // the first '/' or '?' after the scheme.
  size_t authority = url.find("://") + 3;
  size_t path = url.find_first_of("/?#", authority);
  if (path == std::string::npos) return url + "/" + database;
  if (url[path] != '/') return url.substr(0, path) + "/" + database + url.substr(path);
  size_t path_end = url.find_first_of("?#", path);
  return url.substr(0, path) + "/" + database +
         (path_end == std::string::npos ? "" : url.substr(path_end));
}

std::string RedactedPgUrl(const std::string& url) {
  std::string redacted = url;
  if (IsUrl(url)) {
    // postgresql://user:password@host...: the password runs from the ':'
    // after the user to the '@' that ends the user information.
    size_t authority = url.find("://") + 3;
    size_t at = url.find('@', authority);
    size_t path = url.find_first_of("/?#", authority);
    if (at != std::string::npos && (path == std::string::npos || at < path)) {
      size_t colon = url.find(':', authority);
      if (colon != std::string::npos && colon < at) {
        redacted = url.substr(0, colon + 1) + "***" + url.substr(at);
      }
    }
  }
  // password=... as a URL parameter or a key=value pair.
  for (size_t at = redacted.find("password="); at != std::string::npos;
       at = redacted.find("password=", at + 1)) {
    size_t value = at + 9;
    size_t end = redacted.find_first_of("& ", value);
    redacted.replace(value, end == std::string::npos ? std::string::npos : end - value, "***");
  }
  return redacted;
}

Result<std::string> FreshPgDatabaseOn(const std::string& admin_url, const std::string& hint) {
  static std::atomic<int> counter{0};
  ASSIGN_OR_RETURN(Connection connection, Connect(admin_url));
  std::string prefix = NamePrefix(hint) + "_" + std::to_string(getpid()) + "_";
  // A long-lived cluster may hold a database an earlier process of the same
  // id made: such a name is skipped. The bound only guards against a loop.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::string name = prefix + std::to_string(++counter);
    if (name.size() > kMaxIdentifierBytes) name.erase(0, name.size() - kMaxIdentifierBytes);
    std::string sqlstate;
    auto created = Run(connection.get(), admin_url,
                       "CREATE DATABASE \"" + name + "\" TEMPLATE template0", &sqlstate);
    if (created.ok()) return PgDatabaseUrl(admin_url, name);
    if (sqlstate != kDuplicateDatabase) return created.status();
  }
  // English only: a test harness's message, read by developers in test logs.
  return Status::Conflict("no free database name starting with '" + prefix + "' at " +
                          RedactedPgUrl(admin_url));
}

Result<std::string> FreshPgDatabase(const std::string& hint) {
  std::string admin_url = TestPgAdminUrl();
  if (admin_url.empty()) {
    // English only: a test harness's message, read by developers in test logs.
    return Status::InvalidInput(
        "OUTPOST_TEST_PG_URL is not set: this test needs a PostgreSQL cluster. ctest starts one "
        "(fixture pg_cluster); by hand: ops/pg-cluster.sh start /tmp/outpost-pg, then "
        "OUTPOST_TEST_PG_URL=<the URL it prints>");
  }
  return FreshPgDatabaseOn(admin_url, hint);
}

Status PgExecute(const std::string& url, const std::string& sql) {
  ASSIGN_OR_RETURN(Connection connection, Connect(url));
  return Run(connection.get(), url, sql).status();
}

Result<std::string> PgQueryValue(const std::string& url, const std::string& sql) {
  ASSIGN_OR_RETURN(Connection connection, Connect(url));
  ASSIGN_OR_RETURN(QueryResult result, Run(connection.get(), url, sql));
  if (PQntuples(result.get()) == 0 || PQnfields(result.get()) == 0) {
    // English only: a test harness's message, read by developers in test logs.
    return Status::NotFound("'" + sql + "' returned no row at " + RedactedPgUrl(url));
  }
  return std::string(PQgetvalue(result.get(), 0, 0));
}

}  // namespace outpost::testing
