// The hub on PostgreSQL beside its floors and beside SQLite, in one run, on a
// throwaway cluster the bench starts itself (ops/pg-cluster.sh) and discards:
//   copy     a floor: COPY of the same change rows into a plain table shaped
//            like the hub's `changes` (one COPY per batch, one transaction each)
//   copy all the floor of the same rows: each batch's change rows, an entity
//            row per entity it touches and the sealed batch, COPYed into
//            tables shaped like `changes`, `entities` and `batch_archive`
//   pg       hub ingest into a PostgreSQL hub: sealed batches opened ahead
//            (hub/open_ahead.h) and applied by Hub::Handle, each store keeping
//            edge::SyncClient::kBatchesInFlight batches in flight
//   sqlite   the same ingest into a SQLite hub
//   pg x2    two Hub objects on one PostgreSQL database, on two threads, each
//            with its own connections and half the stores: total changes/s
//   reads    the month report (queries::MonthReportAtHub) and a customer
//            search (queries::FindCustomers) on the same hub, copied from
//            SQLite to PostgreSQL with MigrateHub
// Each figure is the median of --reps repetitions (a fresh database each).
// Where the PostgreSQL ingest's time goes: this process's CPU per change and
// the server's transactions and rows touched per change (pg_stat_database).
//
//   pg_ingest_bench [--changes N] [--stores S] [--batch B] [--reps R]
//                   [--bookings N] [--customers N] [--port P] [--json FILE]
#include <libpq-fe.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "edge/sync_client.h"
#include "hub/hub.h"
#include "hub/migrate_db.h"
#include "hub/open_ahead.h"
#include "hub/queries/customers.h"
#include "hub/queries/report.h"
#include "sync/envelope.h"
#include "sync/testing.h"
#include "tests/bench/bench_hub.h"
#include "tests/bench/synthetic_log.h"
#include "tests/bench/timing.h"
#include "tests/pg/pg_cluster.h"

namespace {

using namespace outpost;

struct Flags {
  int changes = 20'000;
  int stores = 20;
  int batch = 500;
  int reps = 3;
  int64_t bookings = 200'000;
  int64_t customers = 50'000;
  int port = 5488;
  std::string json;
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* v = argv[i + 1];
    if (flag == "--changes") f.changes = std::atoi(v);
    if (flag == "--stores") f.stores = std::atoi(v);
    if (flag == "--batch") f.batch = std::atoi(v);
    if (flag == "--reps") f.reps = std::atoi(v);
    if (flag == "--bookings") f.bookings = std::atoll(v);
    if (flag == "--customers") f.customers = std::atoll(v);
    if (flag == "--port") f.port = std::atoi(v);
    if (flag == "--json") f.json = v;
  }
  return f;
}

// The cluster this run started, discarded on the way out, even on failure.
std::string g_cluster_dir;

void DiscardCluster() {
  if (g_cluster_dir.empty()) return;
  const std::string discard =
      std::string(OUTPOST_PG_CLUSTER_SCRIPT) + " discard " + g_cluster_dir + " >/dev/null";
  g_cluster_dir.clear();
  if (std::system(discard.c_str()) != 0)
    std::fprintf(stderr, "could not run %s\n", discard.c_str());
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "pg_ingest_bench: %s\n", what.c_str());
  DiscardCluster();
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().ToString());
  return std::move(r).value();
}
void Must(const Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double CpuSeconds() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The stores' logs and their batches, sealed beforehand: the hub's work is
// what is timed. batches[s][k] is store s's batch k.
struct Workload {
  std::vector<SecretKeys> keys;
  std::vector<std::vector<ChangeEntry>> logs;
  std::vector<std::vector<std::string>> batches;
  int64_t changes = 0;
};

Workload MakeWorkload(const Flags& f, const SecretKeys& hub_keys) {
  Workload w;
  const int per_store = f.changes / f.stores;
  for (int s = 0; s < f.stores; ++s) {
    w.keys.push_back(SecretKeys::Generate("S" + std::to_string(s)));
    w.logs.push_back(bench::MakeLog(w.keys.back().pub.site_id, per_store));
    w.batches.emplace_back();
    for (int off = 0; off < per_store; off += f.batch) {
      WireBatch b{w.keys[s].pub.site_id, 3, {}};
      for (int i = off; i < std::min(per_store, off + f.batch); ++i)
        b.changes.push_back(w.logs[s][i]);
      w.batches[s].push_back(SealEnvelope(EncodeMessage(b), w.keys[s], hub_keys.pub,
                                          Direction::kStoreToHub, w.keys[s].pub.site_id,
                                          Compression::kZstd));
    }
    w.changes += per_store;
  }
  return w;
}

// Feeds the batches of `stores` to `hub` as the daemon does (opened ahead on
// a second thread, applied here), each store keeping its sync client's
// batches in flight; aborts on any refusal.
void Feed(hub::Hub& hub, const Workload& w, const std::vector<int>& stores) {
  auto ahead = Must(hub::OpenAhead::Start(hub.storage(), hub.keys()), "open ahead");
  std::map<int, size_t> next;
  auto send = [&](int s) {
    if (next[s] >= w.batches[s].size()) return;
    ahead->Push(Request{std::to_string(s), w.batches[s][next[s]]});
    ++next[s];
  };
  for (int s : stores) {
    for (int k = 0; k < edge::SyncClient::kBatchesInFlight; ++k) send(s);
  }
  while (ahead->pending() > 0) {
    auto opened = ahead->Pop(60'000);
    if (!opened) Die("no batch opened in 60 s");
    auto answer = hub.Handle(opened->second, opened->first.payload);
    const auto* ack = answer.ok() ? std::get_if<WireAck>(&answer.value()) : nullptr;
    if (!ack || ack->status != "ok") {
      Die("ingest refused: " + (ack ? ack->status : answer.status().ToString()));
    }
    send(std::stoi(opened->first.routing_id));
  }
}

void AllowAll(hub::Hub& hub, const Workload& w) {
  for (const auto& k : w.keys) Must(hub.AllowStore(k.pub), "allow store");
}

std::vector<int> Range(int from, int to) {
  std::vector<int> v;
  for (int s = from; s < to; ++s) v.push_back(s);
  return v;
}

// The floors: the change rows COPYed (text format) into a plain table shaped
// like the hub's `changes`, a batch per COPY and transaction, in arrival order.
// With `every_row`, each batch also COPYs what else the hub writes for it in
// that transaction (the floor of "the same rows"): an entity row per entity
// the batch touches into a table shaped like `entities`, and the sealed batch
// into one shaped like `batch_archive`.
double RawCopy(const std::string& url, const Workload& w, int batch, bool every_row) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) Die(PQerrorMessage(conn));
  auto exec = [&](const char* sql, ExecStatusType want) {
    PGresult* r = PQexec(conn, sql);
    if (PQresultStatus(r) != want) Die(std::string(sql) + ": " + PQerrorMessage(conn));
    PQclear(r);
  };
  exec(
      "CREATE TABLE raw_changes (site_id TEXT NOT NULL, seq BIGINT NOT NULL, hlc BIGINT,"
      " entity TEXT, entity_id TEXT, op TEXT, fields TEXT, staff TEXT, business_time TEXT,"
      " recorded_at TEXT, schema_version BIGINT, prev_hash BYTEA, hash BYTEA,"
      " PRIMARY KEY (site_id, seq));"
      " CREATE TABLE raw_entities (entity TEXT NOT NULL, entity_id TEXT NOT NULL,"
      " owner_site TEXT NOT NULL, fields TEXT NOT NULL, field_hlcs TEXT NOT NULL,"
      " last_hlc BIGINT NOT NULL, base_hlc BIGINT NOT NULL, PRIMARY KEY (entity, entity_id));"
      " CREATE TABLE raw_archive (id BIGINT PRIMARY KEY, site_id TEXT NOT NULL,"
      " first_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL, envelope BYTEA NOT NULL)",
      PGRES_COMMAND_OK);
  // COPY's text format: backslash, tab and newline escaped; bytea as \\x hex.
  auto text = [](std::string& out, const std::string& v) {
    for (char c : v) {
      if (c == '\\')
        out += "\\\\";
      else if (c == '\t')
        out += "\\t";
      else if (c == '\n')
        out += "\\n";
      else
        out += c;
    }
    out += '\t';
  };
  auto hex = [](std::string& out, const Hash256& h) {
    static const char* kDigits = "0123456789abcdef";
    out += "\\\\x";
    for (unsigned char b : h) {
      out += kDigits[b >> 4];
      out += kDigits[b & 15];
    }
  };
  auto copy_rows = [&](const std::string& rows) {
    if (PQputCopyData(conn, rows.data(), static_cast<int>(rows.size())) != 1 ||
        PQputCopyEnd(conn, nullptr) != 1) {
      Die(PQerrorMessage(conn));
    }
    PGresult* r = PQgetResult(conn);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(PQerrorMessage(conn));
    PQclear(r);
    while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
  };
  const size_t per_store = w.logs[0].size();
  int64_t archived = 0;
  const double seconds = bench::TimeS([&] {
    for (size_t off = 0; off < per_store; off += static_cast<size_t>(batch)) {
      for (size_t s = 0; s < w.logs.size(); ++s) {
        exec("BEGIN", PGRES_COMMAND_OK);
        exec("COPY raw_changes FROM STDIN", PGRES_COPY_IN);
        std::string rows;
        for (size_t i = off; i < std::min(per_store, off + batch); ++i) {
          const ChangeEntry& c = w.logs[s][i];
          text(rows, c.site_id);
          text(rows, std::to_string(c.seq));
          text(rows, std::to_string(static_cast<int64_t>(c.hlc)));
          text(rows, c.entity);
          text(rows, c.entity_id);
          text(rows, c.op);
          text(rows, c.fields_json);
          text(rows, c.staff);
          rows += "\\N\t";
          text(rows, c.recorded_at);
          text(rows, std::to_string(c.schema_version));
          hex(rows, c.prev_hash);
          rows += '\t';
          hex(rows, c.hash);
          rows += '\n';
        }
        copy_rows(rows);
        if (every_row) {
          exec("COPY raw_entities FROM STDIN", PGRES_COPY_IN);
          std::map<std::pair<std::string, std::string>, const ChangeEntry*> touched;
          for (size_t i = off; i < std::min(per_store, off + batch); ++i) {
            const ChangeEntry& c = w.logs[s][i];
            touched[{c.entity, c.entity_id}] = &c;  // the newest change of each
          }
          rows.clear();
          for (const auto& [key, c] : touched) {
            text(rows, c->entity);
            text(rows, c->entity_id);
            text(rows, c->site_id);
            text(rows, c->fields_json);
            text(rows, "{}");
            text(rows, std::to_string(static_cast<int64_t>(c->hlc)));
            rows += std::to_string(static_cast<int64_t>(c->hlc)) + '\n';
          }
          copy_rows(rows);
          exec("COPY raw_archive FROM STDIN", PGRES_COPY_IN);
          const std::string& sealed = w.batches[s][off / static_cast<size_t>(batch)];
          rows = std::to_string(++archived) + '\t';
          text(rows, w.logs[s][off].site_id);
          text(rows, std::to_string(w.logs[s][off].seq));
          text(rows, std::to_string(w.logs[s][std::min(per_store, off + batch) - 1].seq));
          rows += "\\\\x" +
                  BytesHex(reinterpret_cast<const uint8_t*>(sealed.data()), sealed.size()) + '\n';
          copy_rows(rows);
        }
        exec("COMMIT", PGRES_COMMAND_OK);
      }
    }
  });
  PQfinish(conn);
  return seconds;
}

// The cost of a round trip per row: the same change rows and an entity row per
// change (what the hub writes) by one prepared INSERT each, a batch per
// transaction. Between COPY and the hub: what batching the statements would win.
// With `pipeline`, the same statements in libpq's pipeline mode: a batch's
// statements sent without waiting for each answer, the answers read after one
// sync (one round trip per batch instead of two per change).
double RawRowInserts(const std::string& url, const Workload& w, int batch, bool pipeline) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) Die(PQerrorMessage(conn));
  auto check = [&](PGresult* r, const char* what) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(std::string(what) + ": " + PQerrorMessage(conn));
    PQclear(r);
  };
  check(PQexec(conn,
               "CREATE TABLE raw_changes (site_id TEXT NOT NULL, seq BIGINT NOT NULL, hlc BIGINT,"
               " entity TEXT, entity_id TEXT, op TEXT, fields TEXT, staff TEXT,"
               " recorded_at TEXT, schema_version BIGINT, PRIMARY KEY (site_id, seq));"
               " CREATE TABLE raw_entities (entity TEXT, entity_id TEXT, owner_site TEXT,"
               " fields TEXT, field_hlcs TEXT, last_hlc BIGINT, base_hlc BIGINT,"
               " PRIMARY KEY (entity, entity_id))"),
        "create");
  check(PQprepare(conn, "change",
                  "INSERT INTO raw_changes VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", 0,
                  nullptr),
        "prepare");
  check(PQprepare(conn, "entity",
                  "INSERT INTO raw_entities VALUES ($1, $2, $3, $4, '{}', $5, $5)"
                  " ON CONFLICT (entity, entity_id) DO UPDATE SET fields = excluded.fields",
                  0, nullptr),
        "prepare");
  if (pipeline && PQenterPipelineMode(conn) != 1) Die(PQerrorMessage(conn));
  const size_t per_store = w.logs[0].size();
  const double seconds = bench::TimeS([&] {
    for (size_t off = 0; off < per_store; off += static_cast<size_t>(batch)) {
      for (size_t s = 0; s < w.logs.size(); ++s) {
        int sent = 0;
        auto run = [&](const char* name, int count, const char* const* values) {
          if (!pipeline)
            return check(PQexecPrepared(conn, name, count, values, nullptr, nullptr, 0), name);
          if (PQsendQueryPrepared(conn, name, count, values, nullptr, nullptr, 0) != 1)
            Die(PQerrorMessage(conn));
          ++sent;
        };
        auto plain = [&](const char* sql) {
          if (!pipeline) return check(PQexec(conn, sql), sql);
          if (PQsendQueryParams(conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
            Die(PQerrorMessage(conn));
          ++sent;
        };
        plain("BEGIN");
        for (size_t i = off; i < std::min(per_store, off + batch); ++i) {
          const ChangeEntry& c = w.logs[s][i];
          const std::string seq = std::to_string(c.seq);
          const std::string hlc = std::to_string(static_cast<int64_t>(c.hlc));
          const std::string version = std::to_string(c.schema_version);
          const char* change[] = {c.site_id.c_str(),     seq.c_str(),         hlc.c_str(),
                                  c.entity.c_str(),      c.entity_id.c_str(), c.op.c_str(),
                                  c.fields_json.c_str(), c.staff.c_str(),     c.recorded_at.c_str(),
                                  version.c_str()};
          run("change", 10, change);
          const char* entity[] = {c.entity.c_str(), c.entity_id.c_str(), c.site_id.c_str(),
                                  c.fields_json.c_str(), hlc.c_str()};
          run("entity", 5, entity);
        }
        plain("COMMIT");
        if (!pipeline) continue;
        if (PQpipelineSync(conn) != 1) Die(PQerrorMessage(conn));
        for (int q = 0; q < sent; ++q) {
          check(PQgetResult(conn), "pipelined statement");
          if (PQgetResult(conn) != nullptr) Die("pipeline: a statement with two results");
        }
        PGresult* sync = PQgetResult(conn);
        if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC) Die("pipeline: no sync");
        PQclear(sync);
      }
    }
  });
  PQfinish(conn);
  return seconds;
}

// pg_stat_database counters of the database at `url` (stats are flushed by
// the server at most once a second: read after a pause).
struct ServerCounters {
  double commits = 0, returned = 0, fetched = 0, inserted = 0, updated = 0;
};
// The database's size on disk (pg_database_size), bytes.
double DatabaseBytes(const std::string& admin, const std::string& url) {
  const std::string db = url.substr(url.find(":///") + 4, url.find('?') - url.find(":///") - 4);
  return std::atof(
      Must(outpost::testing::PgQueryValue(admin, "SELECT pg_database_size('" + db + "')"),
           "pg_database_size")
          .c_str());
}

ServerCounters ReadCounters(const std::string& admin, const std::string& url) {
  const std::string db = url.substr(url.find(":///") + 4, url.find('?') - url.find(":///") - 4);
  ServerCounters c;
  auto get = [&](const char* col) {
    return std::atof(Must(outpost::testing::PgQueryValue(
                              admin, std::string("SELECT ") + col +
                                         " FROM pg_stat_database WHERE datname='" + db + "'"),
                          "pg_stat_database")
                         .c_str());
  };
  c.commits = get("xact_commit");
  c.returned = get("tup_returned");
  c.fetched = get("tup_fetched");
  c.inserted = get("tup_inserted");
  c.updated = get("tup_updated");
  return c;
}

// The statements the server has logged (log_statement = 'all': one line
// "LOG:  statement:" or "LOG:  execute" per statement run).
int64_t LogStatements(const std::string& log_path) {
  std::FILE* in = std::fopen(log_path.c_str(), "r");
  if (in == nullptr) Die("cannot read " + log_path);
  int64_t count = 0;
  char line[4096];
  while (std::fgets(line, sizeof line, in) != nullptr) {
    if (std::strstr(line, "LOG:  statement:") || std::strstr(line, "LOG:  execute")) ++count;
  }
  std::fclose(in);
  return count;
}

// The month report's bookings (as month_report_bench builds them, smaller).
void FillBookings(Db& db, int64_t bookings, int stores) {
  std::mt19937_64 rng(20261130);
  auto tx = Transaction::Begin(db).value();
  auto put = db.Prepare(
                   "INSERT INTO hub_bookings (booking_id, site, ref, customer_id, service,"
                   " slot_date, slot_time, status, channel, created_at, updated_at, arrived_at,"
                   " needs_reschedule, requested_at, moved_here, cancelled_at) VALUES (?, ?,"
                   " 'r', ?, 'maintenance', ?, '10:00', ?, ?, ?, ?, ?, 0, ?, 0, NULL)")
                 .value();
  static const char* kChannels[] = {"phone", "wechat", "walk-in", "online", "call-centre"};
  static const char* kStatus[] = {"completed", "completed", "completed", "no-show", "cancelled"};
  const LocalDate first{2024, 12, 1};
  for (int64_t i = 0; i < bookings; ++i) {
    const LocalDate slot = first.AddDays(static_cast<int>(rng() % 730));
    const std::string requested = slot.AddDays(-3).ToString() + "T23:30:00.000Z";
    const int status = static_cast<int>(rng() % 5);
    put.Reset();
    put.Bind(1, "B-" + std::to_string(i))
        .Bind(2, "S" + std::to_string(i % stores))
        .Bind(3, "C-" + std::to_string(i / 3))
        .Bind(4, slot.ToString())
        .Bind(5, std::string(kStatus[status]))
        .Bind(6, std::string(kChannels[rng() % 5]))
        .Bind(7, requested)
        .Bind(8, requested);
    if (status < 3) {
      put.Bind(9, slot.ToString() + "T02:00:00.000Z");
    } else {
      put.BindNull(9);
    }
    put.Bind(10, requested);
    if (!put.Run().ok()) std::abort();
  }
  if (!tx->Commit().ok()) std::abort();
}

struct ReadFigures {
  double month_s = 0, search_s = 0;
  int64_t made = 0;
  size_t found = 0;
};

// Month report and three customer searches (a phone, a plate, part of a
// name), median of --reps each, on `hub`.
ReadFigures TimeReads(hub::Hub& hub, int reps) {
  ReadFigures r;
  std::vector<double> month, search;
  for (int i = 0; i < reps; ++i) {
    month.push_back(bench::TimeS([&] {
      auto reports =
          Must(hub::queries::MonthReportAtHub(hub::queries::HubReader(hub), "2026-11", ""),
               "month report");
      r.made = reports.chain->made;
    }));
    search.push_back(bench::TimeS([&] {
      r.found = 0;
      for (const char* q : {"+8613900000105", "京A00105", "客户1050"}) {
        r.found +=
            Must(hub::queries::FindCustomers(hub::queries::HubReader(hub), q, false), "search")
                .size();
      }
    }));
  }
  r.month_s = Median(month);
  r.search_s = Median(search);
  return r;
}

struct Figures {
  double copy_s = 0, copy_all_s = 0, rows_s = 0, piped_s = 0, pg_s = 0, sqlite_s = 0, pg2_s = 0;
  double pg_cpu_per_change_us = 0;
  double statements_per_change = 0;                             // each a round trip to the server
  double pg_bytes_per_change = 0, sqlite_bytes_per_change = 0;  // on disk, after ingest
  ServerCounters per_change;
  ReadFigures pg_reads, sqlite_reads;
  double migrate_s = 0;
};

}  // namespace

// Round trips per change: one more ingest, untimed, with every statement the
// server runs logged and counted.
double StatementsPerChange(const std::string& admin, const std::string& cluster_dir,
                           const Workload& w, const SecretKeys& hub_keys, const Clock& clock,
                           int stores) {
  const std::string url = Must(outpost::testing::FreshPgDatabaseOn(admin, "h7_count"), "db");
  {
    auto made = Must(hub::Hub::Create(url, hub_keys, clock), "pg hub");
    AllowAll(*made, w);
  }
  auto pg = Must(hub::Hub::Open(url, hub_keys, clock), "pg hub");
  Must(outpost::testing::PgExecute(admin, "ALTER SYSTEM SET log_statement = 'all'"),
       "log statements");
  Must(outpost::testing::PgExecute(admin, "SELECT pg_reload_conf()"), "reload");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int64_t lines_before = LogStatements(cluster_dir + "/server.log");
  Feed(*pg, w, Range(0, stores));
  const int64_t lines_after = LogStatements(cluster_dir + "/server.log");
  Must(outpost::testing::PgExecute(admin, "ALTER SYSTEM RESET log_statement"), "stop logging");
  Must(outpost::testing::PgExecute(admin, "SELECT pg_reload_conf()"), "reload");
  return static_cast<double>(lines_after - lines_before) / static_cast<double>(w.changes);
}

// The month report and customer searches on a hub built on SQLite (in
// `dir`) and copied to PostgreSQL: into `fig`.
void MeasureReads(const Flags& f, const std::string& admin, const std::string& dir,
                  const Clock& clock, Figures& fig) {
  bench::BenchHub lite(dir);
  for (int s = 0; s < f.stores; ++s) {
    Must(lite.hub->AllowStore(SecretKeys::Generate("S" + std::to_string(s)).pub), "allow");
  }
  lite.Fill([&](Db& db) {
    FillBookings(db, f.bookings, f.stores);
    bench::FillCustomerRecords(db, f.customers, f.stores, 0);
    Must(db.Exec("ANALYZE"), "analyze");
  });
  Must(lite.hub->MakeIdentity().Resolve(true), "resolve");
  const std::string url = Must(outpost::testing::FreshPgDatabaseOn(admin, "h7_reads"), "db");
  fig.migrate_s = bench::TimeS([&] {
    Must(hub::MigrateHub(lite.dir + "/hub.db", url, lite.hub->keys(), clock), "migrate");
  });
  auto pg = Must(hub::Hub::Open(url, lite.hub->keys(), clock), "pg hub");
  Must(pg->MakeIdentity().Resolve(false), "resolve");
  (void)TimeReads(*pg, 1);  // warm
  (void)TimeReads(*lite.hub, 1);
  fig.pg_reads = TimeReads(*pg, f.reps);
  fig.sqlite_reads = TimeReads(*lite.hub, f.reps);
}

int main(int argc, char** argv) {
  const Flags f = ParseFlags(argc, argv);
  outpost::testing::TempDir tmp;
  const std::string cluster_dir = "/tmp/h7-pg-ingest-bench-" + std::to_string(getpid());
  const std::string start = std::string(OUTPOST_PG_CLUSTER_SCRIPT) + " fresh " + cluster_dir + " " +
                            std::to_string(f.port) + " >/dev/null";
  g_cluster_dir = cluster_dir;
  if (std::system(start.c_str()) != 0) Die("could not start a cluster: " + start);
  const std::string admin = "postgresql:///postgres?host=" + cluster_dir +
                            "&port=" + std::to_string(f.port) + "&user=postgres";
  SystemClock clock;
  const SecretKeys hub_keys = SecretKeys::Generate("HUB");
  const Workload w = MakeWorkload(f, hub_keys);
  std::printf("pg_ingest_bench: %lld changes from %d stores, batches of %d, median of %d\n",
              static_cast<long long>(w.changes), f.stores, f.batch, f.reps);
  std::fflush(stdout);

  Figures fig;
  std::vector<double> copy_t, copy_all_t, rows_t, piped_t, pg_t, sqlite_t, pg2_t, cpu_t;
  for (int rep = 0; rep < f.reps; ++rep) {
    rows_t.push_back(RawRowInserts(
        Must(outpost::testing::FreshPgDatabaseOn(admin, "h7_rows"), "db"), w, f.batch, false));
    piped_t.push_back(RawRowInserts(
        Must(outpost::testing::FreshPgDatabaseOn(admin, "h7_piped"), "db"), w, f.batch, true));
    copy_t.push_back(RawCopy(Must(outpost::testing::FreshPgDatabaseOn(admin, "h7_copy"), "db"), w,
                             f.batch, false));
    copy_all_t.push_back(RawCopy(
        Must(outpost::testing::FreshPgDatabaseOn(admin, "h7_copy_all"), "db"), w, f.batch, true));

    const std::string url = Must(outpost::testing::FreshPgDatabaseOn(admin, "h7_ingest"), "db");
    // The server's counters are flushed when a backend ends: the hub is
    // closed before each reading.
    {
      auto made = Must(hub::Hub::Create(url, hub_keys, clock), "pg hub");
      AllowAll(*made, w);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const ServerCounters before = ReadCounters(admin, url);
    const double bytes_before = DatabaseBytes(admin, url);
    auto pg = Must(hub::Hub::Open(url, hub_keys, clock), "pg hub");
    const double cpu0 = CpuSeconds();
    pg_t.push_back(bench::TimeS([&] { Feed(*pg, w, Range(0, f.stores)); }));
    cpu_t.push_back((CpuSeconds() - cpu0) / static_cast<double>(w.changes) * 1e6);
    pg.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const ServerCounters after = ReadCounters(admin, url);
    fig.pg_bytes_per_change =
        (DatabaseBytes(admin, url) - bytes_before) / static_cast<double>(w.changes);
    const double n = static_cast<double>(w.changes);
    fig.per_change = {(after.commits - before.commits) / n, (after.returned - before.returned) / n,
                      (after.fetched - before.fetched) / n, (after.inserted - before.inserted) / n,
                      (after.updated - before.updated) / n};

    auto lite =
        Must(hub::Hub::Create(tmp.File("hub" + std::to_string(rep) + ".db"), hub_keys, clock),
             "sqlite hub");
    AllowAll(*lite, w);
    sqlite_t.push_back(bench::TimeS([&] { Feed(*lite, w, Range(0, f.stores)); }));
    lite.reset();
    // The whole file, its empty schema included (a few hundred KB).
    const std::string file = tmp.File("hub" + std::to_string(rep) + ".db");
    std::error_code ignored;
    const auto wal = std::filesystem::file_size(file + "-wal", ignored);
    fig.sqlite_bytes_per_change =
        static_cast<double>(std::filesystem::file_size(file) +
                            (wal == static_cast<std::uintmax_t>(-1) ? 0 : wal)) /
        static_cast<double>(w.changes);

    // Two hub processes' worth: two Hubs, each with its own connections and
    // half the stores, on one database.
    const std::string url2 = Must(outpost::testing::FreshPgDatabaseOn(admin, "h7_two"), "db");
    auto first = Must(hub::Hub::Create(url2, hub_keys, clock), "pg hub 1");
    AllowAll(*first, w);
    auto second = Must(hub::Hub::Open(url2, hub_keys, clock), "pg hub 2");
    pg2_t.push_back(bench::TimeS([&] {
      std::thread other([&] { Feed(*second, w, Range(f.stores / 2, f.stores)); });
      Feed(*first, w, Range(0, f.stores / 2));
      other.join();
    }));
    std::printf(
        "  rep %d: copy %.2f s, copy all %.2f s, row inserts %.2f s, pipelined %.2f s, pg %.2f s, "
        "sqlite %.2f s, pg "
        "x2 %.2f s\n",
        rep, copy_t.back(), copy_all_t.back(), rows_t.back(), piped_t.back(), pg_t.back(),
        sqlite_t.back(), pg2_t.back());
    std::fflush(stdout);
  }
  fig.statements_per_change = StatementsPerChange(admin, cluster_dir, w, hub_keys, clock, f.stores);
  fig.copy_s = Median(copy_t);
  fig.copy_all_s = Median(copy_all_t);
  fig.rows_s = Median(rows_t);
  fig.piped_s = Median(piped_t);
  fig.pg_s = Median(pg_t);
  fig.sqlite_s = Median(sqlite_t);
  fig.pg2_s = Median(pg2_t);
  fig.pg_cpu_per_change_us = Median(cpu_t);

  MeasureReads(f, admin, tmp.path() + "/reads", clock, fig);

  const double n = static_cast<double>(w.changes);
  // Each figure against both floors: the change rows alone, and every row the
  // hub writes for a batch (the same rows as the ingest).
  auto line = [&](const char* what, double seconds) {
    std::printf("| %s | %.2f | %.0f | %.2f | %.2f |\n", what, seconds, n / seconds,
                fig.copy_s / seconds, fig.copy_all_s / seconds);
  };
  std::printf(
      "| figure | seconds | changes/s | vs COPY of the change rows | vs COPY of every row "
      "written |\n| --- | --- | --- | --- | --- |\n");
  line("COPY of the change rows (floor)", fig.copy_s);
  line("COPY of every row the ingest writes: change, entity, archived batch (floor)",
       fig.copy_all_s);
  line("prepared INSERT per change row and entity row", fig.rows_s);
  line("the same in pipeline mode (one sync per batch)", fig.piped_s);
  line("hub ingest on PostgreSQL", fig.pg_s);
  line("hub ingest on SQLite", fig.sqlite_s);
  line("two hubs on one PostgreSQL database", fig.pg2_s);
  std::printf(
      "PostgreSQL ingest per change: %.1f statements (round trips); this process's CPU %.0f us"
      " (wall %.0f us); server commits %.3f, rows returned %.1f, fetched %.1f, inserted %.2f, "
      "updated %.2f\n"
      "on disk per change after ingest: PostgreSQL %.0f bytes, SQLite %.0f bytes\n",
      fig.statements_per_change, fig.pg_cpu_per_change_us, fig.pg_s / n * 1e6,
      fig.per_change.commits, fig.per_change.returned, fig.per_change.fetched,
      fig.per_change.inserted, fig.per_change.updated, fig.pg_bytes_per_change,
      fig.sqlite_bytes_per_change);
  std::printf(
      "reads at %lld bookings, %lld customer records (copied to PostgreSQL in %.1f s):\n"
      "  month report 2026-11 (made %lld): PostgreSQL %.3f s, SQLite %.3f s (%.2fx)\n"
      "  3 customer searches (found %zu): PostgreSQL %.3f s, SQLite %.3f s (%.2fx)\n",
      static_cast<long long>(f.bookings), static_cast<long long>(f.customers), fig.migrate_s,
      static_cast<long long>(fig.pg_reads.made), fig.pg_reads.month_s, fig.sqlite_reads.month_s,
      fig.pg_reads.month_s / fig.sqlite_reads.month_s, fig.pg_reads.found, fig.pg_reads.search_s,
      fig.sqlite_reads.search_s, fig.pg_reads.search_s / fig.sqlite_reads.search_s);
  if (!f.json.empty()) {
    std::FILE* out = std::fopen(f.json.c_str(), "w");
    if (out == nullptr) Die("cannot write " + f.json);
    std::fprintf(out,
                 "{\"changes\":%lld,\"stores\":%d,\"batch\":%d,\"reps\":%d,"
                 "\"copy_per_s\":%.0f,\"copy_every_row_per_s\":%.0f,\"row_inserts_per_s\":%.0f,"
                 "\"pipelined_per_s\":%.0f,"
                 "\"pg_per_s\":%.0f,\"sqlite_per_s\":%.0f,\"pg_two_hubs_per_s\":%.0f,"
                 "\"pg_vs_copy\":%.3f,\"pg_vs_copy_every_row\":%.3f,\"pg_cpu_us_per_change\":%.0f,"
                 "\"statements_per_change\":%.2f,\"server_commits_per_change\":%.4f,"
                 "\"server_rows_fetched_per_change\":%.2f,"
                 "\"month_report_pg_s\":%.4f,\"month_report_sqlite_s\":%.4f,"
                 "\"search_pg_s\":%.4f,\"search_sqlite_s\":%.4f}\n",
                 static_cast<long long>(w.changes), f.stores, f.batch, f.reps, n / fig.copy_s,
                 n / fig.copy_all_s, n / fig.rows_s, n / fig.piped_s, n / fig.pg_s,
                 n / fig.sqlite_s, n / fig.pg2_s, fig.copy_s / fig.pg_s, fig.copy_all_s / fig.pg_s,
                 fig.pg_cpu_per_change_us, fig.statements_per_change, fig.per_change.commits,
                 fig.per_change.fetched, fig.pg_reads.month_s, fig.sqlite_reads.month_s,
                 fig.pg_reads.search_s, fig.sqlite_reads.search_s);
    std::fclose(out);
  }
  DiscardCluster();
  return 0;
}
