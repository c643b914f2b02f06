#include "hub/storage/postgres/pg.h"

#include <libpq-fe.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "sync/changelog.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::storage::postgres {

namespace {

// The type OIDs a parameter is sent as (pg_type.h; stable across releases).
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kByteaOid = 17;
constexpr Oid kUnknownOid = 0;  // the server infers it from where it is used

// The placeholders of SQLite-style `sql` turned into $1, $2, ...; a `?` inside
// '...' or "..." (with '' and "" escapes) is text, not a placeholder.
std::string NumberPlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  char quote = 0;
  int n = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;  // an escaped quote closes and reopens: same result
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  *count = n;
  return out;
}

// libpq's notices (a ROLLBACK outside a transaction, ...) are not errors and
// must not reach a person's terminal.
void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

// libpq's messages end with a newline; ours do not.
std::string Trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

int64_t ParseInt(const char* text) {
  if (text == nullptr || *text == '\0') return 0;
  // A comparison's value comes back as a boolean: SQLite's 0 and 1.
  if (text[0] == 't' && text[1] == '\0') return 1;
  if (text[0] == 'f' && text[1] == '\0') return 0;
  return std::strtoll(text, nullptr, 10);
}

std::string UnescapeBytea(const char* text) {
  if (text == nullptr) return {};
  size_t size = 0;
  unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
  if (bytes == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(bytes), size);
  PQfreemem(bytes);
  return out;
}

// Status for the SQLSTATE of a failed statement: what the caller does next.
Status StatusForState(std::string_view state, std::string message) {
  if (state.size() == 5) {
    const std::string_view klass = state.substr(0, 2);
    // Every integrity violation (unique, check, not null, foreign key) and a
    // trigger's refusal (staff_audit append-only): SQLite's SQLITE_CONSTRAINT.
    if (klass == "23" || state == "P0001") return Status::Conflict(std::move(message));
    // Serialization failure, deadlock, lock not available, statement timeout.
    if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014") {
      return Status::RetryLater(std::move(message));
    }
    if (klass == "22") return Status::InvalidInput(std::move(message));  // data exception
  }
  return Status::IoError(std::move(message));  // connection (08...), server, our SQL
}

}  // namespace

bool IsPostgresUrl(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string RedactedUrl(const std::string& url) {
  // postgresql://user:secret@host/db: the password is between the scheme's
  // "//" user ':' and the '@' of the authority.
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const size_t authority = scheme_end + 3;
  const size_t at = url.find('@', authority);
  const size_t slash = url.find('/', authority);
  std::string out = url;
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    const size_t colon = url.find(':', authority);
    if (colon != std::string::npos && colon < at) {
      out = url.substr(0, colon + 1) + "***" + url.substr(at);
    }
  }
  // password=... as a query parameter.
  size_t key = out.find("password=");
  while (key != std::string::npos) {
    if (key > 0 && (out[key - 1] == '?' || out[key - 1] == '&')) {
      const size_t end = out.find('&', key);
      out = out.substr(0, key + 9) + "***" + (end == std::string::npos ? "" : out.substr(end));
    }
    key = out.find("password=", key + 9);
  }
  return out;
}

// ---- PgRow ----

// A column the result does not have reads as NULL (0, ""), as in SQLite.
int64_t PgRow::Int(int column) const {
  if (IsNull(column)) return 0;
  return ParseInt(PQgetvalue(result_, row_, column));
}

std::string PgRow::Text(int column) const {
  if (IsNull(column)) return {};
  return std::string(PQgetvalue(result_, row_, column),
                     static_cast<size_t>(PQgetlength(result_, row_, column)));
}

std::string PgRow::Blob(int column) const {
  if (IsNull(column)) return {};
  return UnescapeBytea(PQgetvalue(result_, row_, column));
}

std::optional<std::string> PgRow::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

bool PgRow::IsNull(int column) const {
  if (result_ == nullptr || column < 0 || column >= PQnfields(result_) || row_ < 0 ||
      row_ >= PQntuples(result_)) {
    return true;
  }
  return PQgetisnull(result_, row_, column) == 1;
}

// ---- PgStatement ----

PgStatement::PgStatement(PgConnection* owner, std::string sql, int parameters)
    : owner_(owner),
      sql_(std::move(sql)),
      values_(static_cast<size_t>(parameters)),
      formats_(static_cast<size_t>(parameters), 0),
      types_(static_cast<size_t>(parameters), kUnknownOid) {}

PgStatement::PgStatement(PgStatement&& other) noexcept
    : owner_(other.owner_),
      sql_(std::move(other.sql_)),
      values_(std::move(other.values_)),
      formats_(std::move(other.formats_)),
      types_(std::move(other.types_)),
      result_(other.result_),
      row_(other.row_),
      bind_failed_(other.bind_failed_) {
  other.result_ = nullptr;
}

PgStatement& PgStatement::operator=(PgStatement&& other) noexcept {
  if (this != &other) {
    if (result_) PQclear(result_);
    owner_ = other.owner_;
    sql_ = std::move(other.sql_);
    values_ = std::move(other.values_);
    formats_ = std::move(other.formats_);
    types_ = std::move(other.types_);
    result_ = other.result_;
    row_ = other.row_;
    bind_failed_ = other.bind_failed_;
    other.result_ = nullptr;
  }
  return *this;
}

PgStatement::~PgStatement() {
  if (result_) PQclear(result_);
}

PgStatement& PgStatement::Set(int index, std::optional<std::string> value, int format,
                              unsigned type) {
  if (index < 1 || index > static_cast<int>(values_.size())) {
    bind_failed_ = true;
    return *this;
  }
  const auto i = static_cast<size_t>(index - 1);
  values_[i] = std::move(value);
  formats_[i] = format;
  types_[i] = type;
  return *this;
}

PgStatement& PgStatement::Bind(int index, int64_t value) {
  return Set(index, std::to_string(value), 0, kInt8Oid);
}

PgStatement& PgStatement::Bind(int index, std::string_view value) {
  // A NUL cannot travel in a text parameter; SQLite would have stored it.
  if (value.find('\0') != std::string_view::npos) bind_failed_ = true;
  return Set(index, std::string(value), 0, kTextOid);
}

PgStatement& PgStatement::Bind(int index, const std::optional<std::string>& value) {
  if (!value) return Set(index, std::nullopt, 0, kTextOid);
  return Bind(index, std::string_view(*value));
}

PgStatement& PgStatement::Bind(int index, const PgArray& array) {
  if (array.holds_nul()) bind_failed_ = true;
  return Set(index, array.literal(), 0, kTextOid);
}

void PgArray::Separate() {
  if (size_++ > 0) text_ += ',';
}

PgArray& PgArray::Add(std::string_view text) {
  Separate();
  if (text.find('\0') != std::string_view::npos) holds_nul_ = true;
  text_ += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') text_ += '\\';
    text_ += c;
  }
  text_ += '"';
  return *this;
}

PgArray& PgArray::Add(const std::optional<std::string>& text) {
  if (text) return Add(std::string_view(*text));
  Separate();
  text_ += "NULL";
  return *this;
}

PgArray& PgArray::Add(int64_t value) {
  Separate();
  text_ += std::to_string(value);
  return *this;
}

PgArray& PgArray::AddBytes(const void* data, size_t size) {
  // bytea's hex input form, its backslash escaped for the array's quoting.
  Separate();
  text_ += "\"\\\\x" + BytesHex(static_cast<const uint8_t*>(data), size) + '"';
  return *this;
}

void PgCopyRows::Separate() {
  if (row_open_) text_ += '\t';
  row_open_ = true;
}

PgCopyRows& PgCopyRows::Add(std::string_view text) {
  Separate();
  if (text.find('\0') != std::string_view::npos) holds_nul_ = true;
  for (const char c : text) {
    switch (c) {
      case '\\':
        text_ += "\\\\";
        break;
      case '\t':
        text_ += "\\t";
        break;
      case '\n':
        text_ += "\\n";
        break;
      case '\r':
        text_ += "\\r";
        break;
      default:
        text_ += c;
    }
  }
  return *this;
}

PgCopyRows& PgCopyRows::Add(const std::optional<std::string>& text) {
  return text ? Add(std::string_view(*text)) : AddNull();
}

PgCopyRows& PgCopyRows::Add(int64_t value) {
  Separate();
  text_ += std::to_string(value);
  return *this;
}

PgCopyRows& PgCopyRows::AddNull() {
  Separate();
  text_ += "\\N";
  return *this;
}

PgCopyRows& PgCopyRows::AddBytes(const void* data, size_t size) {
  Separate();
  text_ += "\\\\x" + BytesHex(static_cast<const uint8_t*>(data), size);
  return *this;
}

PgCopyRows& PgCopyRows::EndRow() {
  text_ += '\n';
  row_open_ = false;
  ++rows_;
  return *this;
}

void PgCopyRows::Clear() {
  text_.clear();
  rows_ = 0;
  row_open_ = false;
  holds_nul_ = false;
}

PgStatement& PgStatement::BindNull(int index) { return Set(index, std::nullopt, 0, kUnknownOid); }

PgStatement& PgStatement::BindBlob(int index, const void* data, size_t size) {
  std::string bytes(size, '\0');
  if (size > 0) std::memcpy(bytes.data(), data, size);
  return Set(index, std::move(bytes), 1, kByteaOid);
}

Result<bool> PgStatement::Step() {
  if (result_ == nullptr) {
    // A statement on its own (no transaction) may find the connection lost
    // since the last one; inside a transaction the loss is the caller's error.
    if (PQstatus(owner_->raw()) != CONNECTION_OK && !owner_->in_transaction_) {
      RETURN_IF_ERROR(owner_->ReconnectIfLost());
    }
    if (bind_failed_) {
      // English only: a programming error in the SQL or its bindings.
      return Status::IoError("binding parameters of: " + sql_);
    }
    std::vector<const char*> values(values_.size());
    std::vector<int> lengths(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) {
      values[i] = values_[i] ? values_[i]->data() : nullptr;
      lengths[i] = values_[i] ? static_cast<int>(values_[i]->size()) : 0;
    }
    ASSIGN_OR_RETURN(std::string prepared, owner_->PreparedName(sql_, types_));
    const int count = static_cast<int>(values.size());
    pg_result* result = prepared.empty()
                            ? PQexecParams(owner_->raw(), sql_.c_str(), count, types_.data(),
                                           values.data(), lengths.data(), formats_.data(), 0)
                            : PQexecPrepared(owner_->raw(), prepared.c_str(), count, values.data(),
                                             lengths.data(), formats_.data(), 0);
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      Status error = owner_->ResultStatus(result, sql_);
      const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
      // 26000: the server has no such prepared statement (a pooler between
      // us, DISCARD ALL); 0A000: its plan no longer fits the changed table.
      if (!prepared.empty() && state &&
          (std::strcmp(state, "26000") == 0 || std::strcmp(state, "0A000") == 0)) {
        owner_->ForgetPrepared(sql_, types_);
      }
      if (result) PQclear(result);
      return error;
    }
    result_ = result;
    row_ = -1;
  }
  ++row_;
  return row_ < PQntuples(result_);
}

Status PgStatement::Run() {
  Result<bool> stepped = Step();
  return stepped.ok() ? Status::Ok() : stepped.status();
}

Status PgStatement::RunAtomically() {
  if (PQtransactionStatus(owner_->raw()) != PQTRANS_INTRANS) return Run();
  RETURN_IF_ERROR(owner_->Exec("SAVEPOINT outpost_statement"));
  Status ran = Run();
  if (!ran.ok()) {
    Status undone = owner_->Exec("ROLLBACK TO SAVEPOINT outpost_statement");
    if (!undone.ok()) return ran;  // the transaction is lost: the first error says why
  }
  Status released = owner_->Exec("RELEASE SAVEPOINT outpost_statement");
  return ran.ok() ? released : ran;
}

void PgStatement::Reset() {
  if (result_) PQclear(result_);
  result_ = nullptr;
  row_ = -1;
}

int64_t PgStatement::Int(int column) const { return Current().Int(column); }
std::string PgStatement::Text(int column) const { return Current().Text(column); }
std::string PgStatement::Blob(int column) const { return Current().Blob(column); }
std::optional<std::string> PgStatement::OptionalText(int column) const {
  return Current().OptionalText(column);
}
bool PgStatement::IsNull(int column) const { return Current().IsNull(column); }

Result<std::vector<std::string>> PgStatement::TextColumn() {
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) break;
    out.push_back(Text(0));
  }
  return out;
}

int64_t PgStatement::RowsChanged() const {
  if (result_ == nullptr) return 0;
  // PQcmdTuples also counts a SELECT's (or FETCH's) rows: only writes count.
  const std::string_view command = PQcmdStatus(result_);
  for (std::string_view write : {"INSERT", "UPDATE", "DELETE", "MERGE"}) {
    if (command.substr(0, write.size()) == write) return ParseInt(PQcmdTuples(result_));
  }
  return 0;
}

// ---- PgConnection ----

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& url) {
  pg_conn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    const std::string reason = conn ? Trimmed(PQerrorMessage(conn)) : "out of memory";
    if (conn) PQfinish(conn);
    const std::string shown_url = RedactedUrl(url);
    return Status::IoError("cannot connect to the PostgreSQL database " + shown_url + ": " + reason)
        .WithShown(i18n::Format("cannot connect to the PostgreSQL database {0}: {1}",
                                {shown_url, reason}));
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  auto db = std::unique_ptr<PgConnection>(new PgConnection(conn, url));
  // Text in and out is UTF-8 whatever the server's default; integers and
  // bytea come back in the forms Int() and Blob() read.
  if (PQsetClientEncoding(conn, "UTF8") != 0) {
    return Status::IoError("PostgreSQL database " + RedactedUrl(url) +
                           ": cannot set the client encoding to UTF8")
        .WithShown(i18n::Format("PostgreSQL database {0}: cannot set the client encoding to UTF8",
                                {RedactedUrl(url)}));
  }
  RETURN_IF_ERROR(db->Exec("SET bytea_output = 'hex'"));
  return db;
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

Status PgConnection::ResultStatus(pg_result* result, std::string_view what) {
  const char* detail = result ? PQresultErrorMessage(result) : nullptr;
  std::string message =
      std::string(what) + ": " + Trimmed(detail && *detail ? detail : PQerrorMessage(conn_));
  if (PQstatus(conn_) == CONNECTION_BAD) return Status::IoError(std::move(message));
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // 25006, a write in a read-only transaction: the parts write only in write
  // transactions, so the server itself takes no writes (a standby, or
  // default_transaction_read_only). Said so, for the command's user; an
  // IoError still, so serve leaves the store unanswered until it is promoted.
  if (state != nullptr && std::strcmp(state, "25006") == 0) {
    const std::string shown_url = RedactedUrl(url_);
    return Status::IoError("PostgreSQL database " + shown_url +
                           " takes no writes: it is a standby (read-only); run this on its"
                           " primary (" +
                           message + ")")
        .WithShown(i18n::Format("PostgreSQL database {0} takes no writes: it is a standby"
                                " (read-only); run this on its primary ({1})",
                                {shown_url, message}));
  }
  return StatusForState(state ? state : "", std::move(message));
}

namespace {

// Statements worth preparing: the parts' queries and writes. DECLARE, SET,
// DDL and the like run unprepared (PREPARE does not take them).
bool IsPreparable(std::string_view sql) {
  const size_t start = sql.find_first_not_of(" \t\n(");
  if (start == std::string_view::npos) return false;
  std::string word;
  for (size_t i = start; i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])); ++i) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
  }
  return word == "SELECT" || word == "INSERT" || word == "UPDATE" || word == "DELETE" ||
         word == "WITH" || word == "VALUES";
}

std::string PreparedKey(const std::string& sql, const std::vector<unsigned>& types) {
  std::string key = sql;
  key += '\0';
  for (unsigned type : types) key += std::to_string(type) + ',';
  return key;
}

}  // namespace

Result<std::string> PgConnection::PreparedName(const std::string& sql,
                                               const std::vector<unsigned>& types) {
  if (!IsPreparable(sql)) return std::string();
  std::string key = PreparedKey(sql, types);
  if (auto found = prepared_.find(key); found != prepared_.end()) return found->second;
  if (prepared_.size() >= kMaxPrepared) return std::string();
  std::string name = "outpost_" + std::to_string(++statements_prepared_);
  pg_result* result =
      PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()), types.data());
  Status out = Status::Ok();
  if (result == nullptr || PQresultStatus(result) != PGRES_COMMAND_OK) {
    out = ResultStatus(result, sql);
  }
  if (result) PQclear(result);
  RETURN_IF_ERROR(out);
  prepared_.emplace(std::move(key), name);
  return name;
}

void PgConnection::ForgetPrepared(const std::string& sql, const std::vector<unsigned>& types) {
  auto found = prepared_.find(PreparedKey(sql, types));
  if (found == prepared_.end()) return;
  // Dropped on the server too when it still has it; a name is never reused,
  // so a failure here (an aborted transaction) leaves only an unused name.
  const std::string deallocate = "DEALLOCATE " + found->second;
  pg_result* result = PQexec(conn_, deallocate.c_str());
  if (result) PQclear(result);
  prepared_.erase(found);
}

Status PgConnection::ReconnectIfLost() {
  if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string reason = Trimmed(PQerrorMessage(conn_));
    const std::string shown_url = RedactedUrl(url_);
    return Status::IoError("cannot connect to the PostgreSQL database " + shown_url + ": " + reason)
        .WithShown(i18n::Format("cannot connect to the PostgreSQL database {0}: {1}",
                                {shown_url, reason}));
  }
  prepared_.clear();  // they lived in the old session
  if (PQsetClientEncoding(conn_, "UTF8") != 0) {
    return Status::IoError("PostgreSQL database " + RedactedUrl(url_) +
                           ": cannot set the client encoding to UTF8")
        .WithShown(i18n::Format("PostgreSQL database {0}: cannot set the client encoding to UTF8",
                                {RedactedUrl(url_)}));
  }
  return Exec("SET bytea_output = 'hex'");
}

Status PgConnection::Exec(std::string_view sql) {
  const std::string text(sql);
  pg_result* result = PQexec(conn_, text.c_str());
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  Status out = Status::Ok();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    out = ResultStatus(result, text.size() > 200 ? text.substr(0, 200) + "..." : text);
  }
  if (result) PQclear(result);
  return out;
}

Status PgConnection::CopyIn(std::string_view target, const PgCopyRows& rows) {
  const std::string sql = "COPY " + std::string(target) + " FROM STDIN";
  if (rows.holds_nul()) {
    // English only: as a NUL in a bound parameter, a programming error.
    return Status::IoError(sql + ": a value holds a NUL byte");
  }
  if (PQstatus(conn_) != CONNECTION_OK && !in_transaction_) RETURN_IF_ERROR(ReconnectIfLost());
  pg_result* started = PQexec(conn_, sql.c_str());
  if (started == nullptr || PQresultStatus(started) != PGRES_COPY_IN) {
    Status error = ResultStatus(started, sql);
    if (started) PQclear(started);
    return error;
  }
  PQclear(started);
  const std::string& text = rows.text();
  const bool sent = PQputCopyData(conn_, text.data(), static_cast<int>(text.size())) == 1 &&
                    PQputCopyEnd(conn_, nullptr) == 1;
  const std::string reason = Trimmed(PQerrorMessage(conn_));
  Status out = sent ? Status::Ok()
                    : Status::IoError(sql + ": " + reason)
                          .WithShown(i18n::Format("COPY {0}: {1}", {std::string(target), reason}));
  // Every result is read, so the connection is ready for the next statement.
  while (pg_result* result = PQgetResult(conn_)) {
    if (out.ok() && PQresultStatus(result) != PGRES_COMMAND_OK) out = ResultStatus(result, sql);
    PQclear(result);
  }
  return out;
}

Result<PgStatement> PgConnection::Prepare(std::string_view sql) {
  int parameters = 0;
  std::string numbered = NumberPlaceholders(sql, &parameters);
  return PgStatement(this, std::move(numbered), parameters);
}

Status PgConnection::ForEachRow(std::string_view sql, const std::function<void(PgStatement&)>& bind,
                                const std::function<Status(const PgRow&)>& visit, int page_rows) {
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) return WalkCursor(sql, bind, visit, page_rows);
  // A cursor lives in a transaction: outside one, the walk has its own, as
  // a SQLite read outside a transaction has its own snapshot.
  RETURN_IF_ERROR(Exec("BEGIN ISOLATION LEVEL REPEATABLE READ"));
  Status walked = WalkCursor(sql, bind, visit, page_rows);
  Status ended = Exec(walked.ok() ? "COMMIT" : "ROLLBACK");
  return walked.ok() ? ended : walked;
}

Status PgConnection::WalkCursor(std::string_view sql, const std::function<void(PgStatement&)>& bind,
                                const std::function<Status(const PgRow&)>& visit, int page_rows) {
  page_rows = page_rows > 0 ? page_rows : 1;
  const std::string cursor = "c_" + std::to_string(++cursors_opened_);
  ASSIGN_OR_RETURN(PgStatement declare,
                   Prepare("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + std::string(sql)));
  if (bind) bind(declare);
  RETURN_IF_ERROR(declare.Run());
  const std::string fetch = "FETCH " + std::to_string(page_rows) + " FROM " + cursor;
  Status out = Status::Ok();
  while (out.ok()) {
    pg_result* page = PQexec(conn_, fetch.c_str());
    if (page == nullptr || PQresultStatus(page) != PGRES_TUPLES_OK) {
      out = ResultStatus(page, fetch);
      if (page) PQclear(page);
      return out;  // the transaction failed: the cursor went with it
    }
    const int rows = PQntuples(page);
    for (int r = 0; r < rows && out.ok(); ++r) out = visit(PgRow(page, r));
    PQclear(page);
    if (rows < page_rows) break;
  }
  Status closed = Exec("CLOSE " + cursor);
  return out.ok() ? closed : out;
}

Result<int> PgConnection::SchemaVersion() {
  // No table yet: an empty database (or one that is not a hub's).
  ASSIGN_OR_RETURN(PgStatement exists, Prepare("SELECT to_regclass('schema_version') IS NOT NULL"));
  ASSIGN_OR_RETURN(bool row, exists.Step());
  if (!row || exists.Int(0) == 0) return 0;
  ASSIGN_OR_RETURN(PgStatement st, Prepare("SELECT max(version) FROM schema_version"));
  ASSIGN_OR_RETURN(row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

Status PgConnection::Migrate(std::span<const schema::SqlMigration> migrations) {
  // A session lock (not a transaction's): held across the migrations'
  // transactions, released below whatever happened.
  RETURN_IF_ERROR(Exec("SELECT pg_advisory_lock(" + std::to_string(kHubWriterLock + 1) + ")"));
  Status out = MigrateLocked(migrations);
  Status unlocked = Exec("SELECT pg_advisory_unlock(" + std::to_string(kHubWriterLock + 1) + ")");
  return out.ok() ? unlocked : out;
}

Status SchemaNewerThanProgram(const std::string& shown_url, int current, int newest) {
  return Status::Refused("database '" + shown_url + "' has schema version " +
                         std::to_string(current) + ", newer than this program knows (" +
                         std::to_string(newest) + "): upgrade the program")
      .WithShown(i18n::Format("database '{0}' has schema version {1}, newer than this program "
                              "knows ({2}): upgrade the program",
                              {shown_url, std::to_string(current), std::to_string(newest)}));
}

Status PgConnection::MigrateLocked(std::span<const schema::SqlMigration> migrations) {
  ASSIGN_OR_RETURN(int current, SchemaVersion());
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  const std::string shown_url = RedactedUrl(url_);
  if (current > newest) return SchemaNewerThanProgram(shown_url, current, newest);
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(*this));
    Status st = Exec(m.sql);
    if (!st.ok()) {
      return Status(st.code(), "migration " + std::to_string(m.version) + " (" +
                                   std::string(m.name) + "): " + st.message());
    }
    // One row, holding the newest version applied.
    RETURN_IF_ERROR(Exec("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)"));
    RETURN_IF_ERROR(Exec("DELETE FROM schema_version"));
    RETURN_IF_ERROR(
        Exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(m.version) + ")"));
    RETURN_IF_ERROR(tx->Commit());
  }
  return Status::Ok();
}

// ---- PgTransaction ----

namespace {

// As SQLite refuses a BEGIN inside a transaction; PostgreSQL only warns, and
// the inner COMMIT would then end the outer transaction early.
Status RefuseNested(PgConnection& db) {
  RETURN_IF_ERROR(db.ReconnectIfLost());
  if (PQtransactionStatus(db.raw()) == PQTRANS_IDLE) return Status::Ok();
  // English only: a programming error (one connection, one transaction at a time).
  return Status::IoError("cannot start a transaction within a transaction");
}

}  // namespace

Result<std::unique_ptr<PgTransaction>> PgTransaction::Begin(PgConnection& db) {
  RETURN_IF_ERROR(RefuseNested(db));
  // READ COMMITTED under the writer lock: each statement sees every commit
  // made before the lock was granted, and no other writer commits until this
  // one ends. (REPEATABLE READ would take its snapshot before the wait.)
  RETURN_IF_ERROR(db.Exec("BEGIN ISOLATION LEVEL READ COMMITTED"));
  auto tx = std::unique_ptr<PgTransaction>(new PgTransaction(db));
  db.in_transaction_ = true;
  RETURN_IF_ERROR(db.Exec("SELECT pg_advisory_xact_lock(" + std::to_string(kHubWriterLock) + ")"));
  return tx;
}

Result<std::unique_ptr<PgTransaction>> PgTransaction::BeginRead(PgConnection& db) {
  RETURN_IF_ERROR(RefuseNested(db));
  RETURN_IF_ERROR(db.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  auto tx = std::unique_ptr<PgTransaction>(new PgTransaction(db));
  db.in_transaction_ = true;
  return tx;
}

PgTransaction::~PgTransaction() {
  // A failed COMMIT has ended the transaction already (the server rolled it
  // back), unless the connection was lost: then there is nothing to end.
  if (!done_ && PQtransactionStatus(db_.raw()) != PQTRANS_IDLE) (void)db_.Exec("ROLLBACK");
  db_.in_transaction_ = false;
}

Status PgTransaction::Commit() {
  pg_result* result = PQexec(db_.raw(), "COMMIT");
  Status out = Status::Ok();
  if (result == nullptr || PQresultStatus(result) != PGRES_COMMAND_OK) {
    out = db_.ResultStatus(result, "COMMIT");
  } else if (std::strcmp(PQcmdStatus(result), "COMMIT") != 0) {
    // The server answers ROLLBACK to the COMMIT of a transaction a failed
    // statement aborted: nothing was kept. Only a caller that ignored the
    // earlier error (whose message it was given) gets here.
    // English only: a programming error, never shown to staff.
    out = Status::IoError("COMMIT: the transaction had failed and was rolled back");
  }
  if (result) PQclear(result);
  done_ = out.ok();
  return out;
}

}  // namespace outpost::hub::storage::postgres
