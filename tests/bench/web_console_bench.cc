// The web console under load (issue 18 item 5: "p95 under 100 ms for the
// stores page, a customer search and a customer page at 1 M customers from
// 500 stores, beside a raw query of the same rows in the same run").
//
// Builds (or, with --dir, reuses when built before with the same sizes) a hub
// database with N customer records from S stores as ingest leaves them
// (bench_hub.h FillCustomerRecords: 30% a person seen at another store, 80%
// with a vehicle, two bookings each), resolves identities, signs a staff
// account in and serves the console in-process (hub/web/console.h on
// 127.0.0.1, any free port, the pool of one thread it asks for). Then, in one
// run, each timed per request (steady clock) after a warm-up of 10 each:
//   console  GET /stores; GET /customers?q= the phone, plate or name of a
//            random record (in turn); GET /customer?id= its unified id, over
//            one keep-alive connection with the session cookie; each answer
//            must be 200 and hold the expected row (the stores' last store,
//            the customer's unified id) or the run aborts
//   raw      the floor: the same rows read straight from the file on a
//            read-only connection of its own (the stores with their cursors;
//            the key's records and their unified ids, or the name scan; one
//            customer's links, records, vehicles and bookings)
// Prints p50, p95, p99 per page and the ratios console/raw, and first the
// time of Identity::Resolve(false) with nothing changed: the check the search
// and the customer page run before reading (hub/queries/customers.h).
//
// With --pg-port P, the same hub is then copied to PostgreSQL (a throwaway
// cluster on port P, discarded at the end; migrate-db's code, bench_pg.h) and
// the same rounds run again on a console whose hub is that database, beside
// the same raw reads there (their figures in FILE with "_pg" before ".json").
//
//   web_console_bench [--customers N] [--stores S] [--requests R] [--dir DIR]
//                     [--json FILE] [--pg-port P]
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hub/accounts.h"
#include "hub/hub.h"
#include "hub/storage/postgres/pg.h"
#include "hub/web/console.h"
#include "tests/bench/bench_hub.h"
#include "tests/bench/bench_pg.h"

namespace {

using namespace outpost;

// A customer record picked at random, and what its pages must show.
struct Sample {
  std::string record;
  std::string unified;
  std::string name;
  std::string phone;                        // as the record holds it
  std::string phone_key, plate_key, plate;  // identity_keys rows; plate may be empty
};

struct Latencies {
  std::vector<double> ms;
  double At(double p) const {
    if (ms.empty()) return 0;
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    const size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(s.size())));
    return s[std::min(s.size() - 1, i > 0 ? i - 1 : 0)];
  }
};

template <typename F>
void Timed(Latencies& into, F&& run) {
  into.ms.push_back(bench::TimeS(run) * 1000.0);
}

enum Kind { kPhone, kPlate, kName };
constexpr const char* kKindNames[] = {"phone", "plate", "name"};

// The query of kind `kind` for `s`; a record without a car is searched by phone.
Kind KindFor(const Sample& s, int round) {
  const Kind k = static_cast<Kind>(round % 3);
  return k == kPlate && s.plate.empty() ? kPhone : k;
}
std::string QueryOf(const Sample& s, Kind k) {
  return k == kPhone ? s.phone : k == kPlate ? s.plate : s.name;
}

std::vector<Sample> PickSamples(Db& db, int64_t customers, int count) {
  std::mt19937_64 rng(20261130);
  auto record = db.Prepare(
                      "SELECT e.entity_id, json_extract(e.fields, '$.name'),"
                      " json_extract(e.fields, '$.phones[0]'), l.unified_id FROM entities e"
                      " JOIN identity_links l ON l.record_id = e.entity_id WHERE e.entity ="
                      " 'customer' AND e.entity_id >= ? ORDER BY e.entity_id LIMIT 1")
                    .value();
  auto keys = db.Prepare("SELECT key FROM identity_keys WHERE record_id = ?").value();
  std::vector<Sample> out;
  char prefix[32];
  while (static_cast<int>(out.size()) < count) {
    std::snprintf(prefix, sizeof prefix, "%08llx-",
                  static_cast<unsigned long long>(rng() % static_cast<uint64_t>(customers)));
    record.Reset();
    record.Bind(1, std::string(prefix));
    if (!record.Step().value()) std::abort();
    Sample s{record.Text(0), record.Text(3), record.Text(1), record.Text(2), "", "", ""};
    keys.Reset();
    keys.Bind(1, s.record);
    while (keys.Step().value()) {
      const std::string key = keys.Text(0);
      if (key.rfind("phone:", 0) == 0) s.phone_key = key;
      if (key.rfind("plate:", 0) == 0) {
        s.plate_key = key;
        s.plate = key.substr(6);
      }
    }
    if (s.phone_key.empty()) std::abort();
    out.push_back(std::move(s));
  }
  return out;
}

// The raw reads run on either backend: `Conn` is a SQLite Db or a PostgreSQL
// PgConnection, whose statements bind and step alike.
using hub::storage::postgres::PgConnection;

// The one query whose SQL differs: the names starting with the name (an index
// range up to U+10FFFF, the name bound twice), as each backend's store runs it.
std::string NameRangeSql(const Db& /*sqlite*/) {
  return "SELECT DISTINCT l.unified_id FROM hub_customers c JOIN identity_links l ON l.record_id"
         " = c.customer_id WHERE c.name >= ?1 AND c.name < ?2 || char(1114111) LIMIT 50";
}
std::string NameRangeSql(const PgConnection& /*postgres*/) {
  return "SELECT DISTINCT l.unified_id FROM hub_customers c JOIN identity_links l ON l.record_id"
         " = c.customer_id WHERE c.name >= ?::text AND c.name < ?::text || chr(1114111) LIMIT 50";
}

// Each raw read steps every row and touches its columns, as a page would.
template <typename St>
int64_t Drain(St& st) {
  int64_t bytes = 0;
  while (st.Step().value()) {
    for (int c = 0; c < 4; ++c)
      bytes += static_cast<int64_t>(st.OptionalText(c).value_or("").size());
  }
  return bytes;
}

// The floor of a customer: its links, and each record with its children.
template <typename Conn>
int64_t RawCustomer(Conn& db, const std::string& unified) {
  auto members = db.Prepare("SELECT record_id FROM identity_links WHERE unified_id = ?").value();
  members.Bind(1, unified);
  std::vector<std::string> records = members.TextColumn().value();
  if (records.empty()) std::abort();  // not the customer the console showed
  auto row = db.Prepare(
                   "SELECT owner_site, fields, field_hlcs, base_hlc FROM entities WHERE entity ="
                   " 'customer' AND entity_id = ?")
                 .value();
  auto children = db.Prepare(
                        "SELECT e.entity, e.entity_id, e.owner_site, e.fields FROM"
                        " customer_children k JOIN entities e ON e.entity = k.entity AND"
                        " e.entity_id = k.entity_id WHERE k.customer_id = ?")
                      .value();
  int64_t bytes = 0;
  for (const std::string& r : records) {
    row.Reset();
    row.Bind(1, r);
    bytes += Drain(row);
    children.Reset();
    children.Bind(1, r);
    bytes += Drain(children);
  }
  return bytes;
}

// The floor of a search: the unified ids of the key's records (or of the
// names starting with the name, on the index the console's look-up uses),
// and each one's rows.
template <typename Conn>
int64_t RawSearch(Conn& db, const Sample& s, Kind kind) {
  auto st = kind == kName ? db.Prepare(NameRangeSql(db)).value()
                          : db.Prepare(
                                  "SELECT l.unified_id FROM identity_keys k JOIN identity_links"
                                  " l USING (record_id) WHERE k.key = ? ORDER BY k.record_id")
                                .value();
  st.Bind(1, kind == kName ? s.name : kind == kPlate ? s.plate_key : s.phone_key);
  if (kind == kName) st.Bind(2, s.name);
  std::vector<std::string> ids = st.TextColumn().value();
  if (std::find(ids.begin(), ids.end(), s.unified) == ids.end() && ids.size() < 50) std::abort();
  // Each found customer's rows, as the page builds each one's view.
  int64_t bytes = 0;
  for (const std::string& id : ids) bytes += RawCustomer(db, id);
  return bytes;
}

template <typename Conn>
int64_t RawStores(Conn& db) {
  auto st = db.Prepare(
                  "SELECT s.site_id, s.key_id, c.last_contact, h.denied_at FROM stores s JOIN"
                  " store_cursors c USING (site_id) LEFT JOIN store_key_history h ON h.site_id"
                  " = s.site_id AND h.key_id = s.key_id ORDER BY s.site_id")
                .value();
  return Drain(st);
}

struct Figures {
  Latencies stores, search, customer, by_kind[3];
  Latencies raw_stores, raw_search, raw_customer, raw_by_kind[3];
};

// The console's answer, or the run stops: a broken page must not look fast.
void Expect(const httplib::Result& res, const std::string& what, const std::string& needle) {
  if (!res || res->status != 200 || res->body.find(needle) == std::string::npos) {
    std::fprintf(stderr, "web_console_bench: %s: status %d, '%s' %s\n", what.c_str(),
                 res ? res->status : -1, needle.c_str(),
                 res ? "not in the page" : httplib::to_string(res.error()).c_str());
    std::abort();
  }
}

// One request of the console, timed into `into`.
template <typename F>
httplib::Result TimedGet(Latencies& into, F&& get) {
  const auto t0 = std::chrono::steady_clock::now();
  httplib::Result res = get();
  into.ms.push_back(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return res;
}

// One round: the stores page, a search, a customer page; `into` null for the warm-up.
void ConsoleRound(httplib::Client& cli, const httplib::Headers& cookie, const Sample& s, int round,
                  int stores, Figures* into) {
  Figures scratch;
  Figures& f = into ? *into : scratch;
  const Kind kind = KindFor(s, round);
  httplib::Result page = TimedGet(f.stores, [&] { return cli.Get("/stores", cookie); });
  Expect(page, "/stores", "data-store=\"S" + std::to_string(stores - 1) + "\"");
  const std::string query = QueryOf(s, kind);
  page = TimedGet(f.search, [&] { return cli.Get("/customers", {{"q", query}}, cookie); });
  f.by_kind[kind].ms.push_back(f.search.ms.back());
  // A part of a name may match more customers than the page lists (50).
  const bool full = kind == kName && page && page->body.find(s.unified) == std::string::npos;
  Expect(page, "/customers?q=" + query, full ? "href=\"/customer?id=" : s.unified);
  page = TimedGet(f.customer, [&] { return cli.Get("/customer", {{"id", s.unified}}, cookie); });
  Expect(page, "/customer?id=" + s.unified, s.name);
}

template <typename Conn>
void RawRounds(Conn& db, const std::vector<Sample>& samples, int requests, Figures& f) {
  int64_t bytes = 0;
  for (int r = 0; r < requests; ++r) {
    const Sample& s = samples[static_cast<size_t>(r) % samples.size()];
    const Kind kind = KindFor(s, r);
    Timed(f.raw_stores, [&] { bytes += RawStores(db); });
    Timed(f.raw_search, [&] { bytes += RawSearch(db, s, kind); });
    f.raw_by_kind[kind].ms.push_back(f.raw_search.ms.back());
    Timed(f.raw_customer, [&] { bytes += RawCustomer(db, s.unified); });
  }
  if (bytes == 0) std::abort();
}

// Serves the console on a free port of 127.0.0.1 and drives it.
void ConsoleRounds(hub::Hub& hub, const std::string& token, const std::vector<Sample>& samples,
                   int requests, int stores, Figures& f) {
  httplib::Server server;
  hub::web::WebConsole console(hub, {});
  console.Mount(server);
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) std::abort();
  std::thread serving([&] { server.listen_after_bind(); });
  httplib::Client cli("127.0.0.1", port);
  cli.set_keep_alive(true);
  cli.set_read_timeout(120, 0);  // a slow page is measured, not cut off
  const httplib::Headers cookie = {{"Cookie", std::string("outpost_session=") + token}};
  for (int r = 0; r < 10; ++r) {
    ConsoleRound(cli, cookie, samples[static_cast<size_t>(r) % samples.size()], r, stores, nullptr);
  }
  for (int r = 0; r < requests; ++r) {
    ConsoleRound(cli, cookie, samples[static_cast<size_t>(r) % samples.size()], r, stores, &f);
  }
  server.stop();
  serving.join();
}

// A signed-in staff account's token (the account added on the first call
// for a hub file, and found by a later one or on a copy).
std::string SignIn(hub::Hub& hub) {
  hub::StaffAccounts accounts(hub.storage().staff(), hub.clock());
  const Status added = accounts.AddUser("bench", "Bench", "admin", "load-test-pass-42", "bench");
  auto session = accounts.SignIn("bench", "load-test-pass-42");
  if (!session.ok()) {
    std::fprintf(stderr, "web_console_bench: sign-in: %s (adding: %s)\n",
                 session.status().ToString().c_str(), added.ToString().c_str());
    std::abort();
  }
  return session->token;
}

// Builds the hub, or finds it built; a signed-in staff account's token.
std::string Prepare(bench::BenchHub& bench_hub, int64_t customers, int stores) {
  hub::Hub& hub = *bench_hub.hub;
  if (!bench_hub.reused) {
    for (int s = 0; s < stores; ++s) {
      if (!hub.AllowStore(SecretKeys::Generate("S" + std::to_string(s)).pub).ok()) std::abort();
    }
    const double build_s =
        bench_hub.Fill([&](Db& db) { bench::FillCustomerRecords(db, customers, stores, 2); });
    const double resolve_s = bench::TimeS([&] {
      if (!hub.MakeIdentity().Resolve(true).ok()) std::abort();
    });
    if (!bench_hub.file->Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok()) std::abort();
    std::printf("built in %.1f s, identities resolved in %.1f s\n", build_s, resolve_s);
    bench_hub.MarkBuilt();
  } else {
    std::printf("reused the hub in %s\n", bench_hub.dir.c_str());
  }
  return SignIn(hub);
}

// What the search and the customer page run first (hub/queries/customers.h):
// resolution's check that nothing changed since it last ran, 10 times.
void TimeNothingChanged(hub::Hub& hub) {
  Latencies check;
  for (int i = 0; i < 10; ++i) {
    check.ms.push_back(1000.0 * bench::TimeS([&] {
                         if (hub.MakeIdentity().Resolve(false).value().ran) std::abort();
                       }));
  }
  std::printf("Identity::Resolve(false), nothing changed: %.2f ms p50, %.2f ms p95 of 10\n",
              check.At(0.5), check.At(0.95));
}

void Row(std::FILE* out, const char* page, const Latencies& c, const Latencies& raw) {
  std::fprintf(out, "%-22s %6zu %8.2f %8.2f %8.2f   %8.3f %8.3f   %7.1fx %7.1fx\n", page,
               c.ms.size(), c.At(0.5), c.At(0.95), c.At(0.99), raw.At(0.5), raw.At(0.95),
               c.At(0.5) / std::max(raw.At(0.5), 1e-6), c.At(0.95) / std::max(raw.At(0.95), 1e-6));
}

void JsonRow(std::FILE* out, const char* page, const Latencies& c, const Latencies& raw,
             bool last) {
  std::fprintf(out,
               "    \"%s\": {\"count\": %zu, \"p50_ms\": %.3f, \"p95_ms\": %.3f, \"p99_ms\": %.3f,"
               " \"raw_p50_ms\": %.3f, \"raw_p95_ms\": %.3f}%s\n",
               page, c.ms.size(), c.At(0.5), c.At(0.95), c.At(0.99), raw.At(0.5), raw.At(0.95),
               last ? "" : ",");
}

void Report(const Figures& f, int64_t customers, int stores, const std::string& json) {
  std::printf("%-22s %6s %8s %8s %8s   %8s %8s   %8s %8s\n", "page (ms)", "count", "p50", "p95",
              "p99", "raw p50", "raw p95", "p50 x", "p95 x");
  Row(stdout, "/stores", f.stores, f.raw_stores);
  Row(stdout, "/customers?q=", f.search, f.raw_search);
  for (int k = 0; k < 3; ++k) {
    Row(stdout, (std::string("  by ") + kKindNames[k]).c_str(), f.by_kind[k], f.raw_by_kind[k]);
  }
  Row(stdout, "/customer?id=", f.customer, f.raw_customer);
  const bool met = f.stores.At(0.95) < 100 && f.search.At(0.95) < 100 && f.customer.At(0.95) < 100;
  std::printf("target p95 < 100 ms on each page: %s\n", met ? "met" : "NOT met");
  if (json.empty()) return;
  std::FILE* out = json == "-" ? stdout : std::fopen(json.c_str(), "w");
  if (out == nullptr) std::abort();
  std::fprintf(out, "{\n  \"customers\": %lld,\n  \"stores\": %d,\n  \"pages\": {\n",
               static_cast<long long>(customers), stores);
  JsonRow(out, "stores", f.stores, f.raw_stores, false);
  JsonRow(out, "customers", f.search, f.raw_search, false);
  for (int k = 0; k < 3; ++k) {
    JsonRow(out, (std::string("customers_by_") + kKindNames[k]).c_str(), f.by_kind[k],
            f.raw_by_kind[k], false);
  }
  JsonRow(out, "customer", f.customer, f.raw_customer, true);
  std::fprintf(out, "  }\n}\n");
  if (out != stdout) std::fclose(out);
}

// The same hub copied to PostgreSQL (bench_pg.h) and the same rounds run on
// a console whose hub is on it, beside the same raw reads there; its figures
// go to `json` with "_pg" before the extension.
void MeasureOnPostgres(bench::BenchHub& bench_hub, int port, const std::vector<Sample>& samples,
                       const bench::HubBenchFlags& flags, int requests, const std::string& json) {
  bench::PgCopyOfHub copy(bench_hub, port, "web_console");
  std::printf("PostgreSQL (copied by migrate-db in %.1f s):\n", copy.migrate_s());
  const std::string token = SignIn(copy.hub());
  TimeNothingChanged(copy.hub());
  Figures f;
  ConsoleRounds(copy.hub(), token, samples, requests, flags.stores, f);
  auto raw = PgConnection::Connect(copy.url()).value();
  RawRounds(*raw, samples, requests, f);
  std::string pg_json = json;
  if (pg_json.size() > 5 && pg_json.compare(pg_json.size() - 5, 5, ".json") == 0) {
    pg_json.insert(pg_json.size() - 5, "_pg");
  } else if (!pg_json.empty() && pg_json != "-") {
    pg_json += "_pg";
  }
  Report(f, flags.count, flags.stores, pg_json);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows in a log as it happens
  const bench::HubBenchFlags flags =
      bench::ParseHubBenchFlags(argc, argv, "--customers", 1'000'000);
  int requests = 300;
  int pg_port = 0;
  std::string json;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--requests")) requests = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--json")) json = argv[i + 1];
    if (!std::strcmp(argv[i], "--pg-port")) pg_port = std::atoi(argv[i + 1]);
  }
  // Kept per size: a later run with the same sizes reuses the hub.
  const std::string dir = flags.dir.empty()
                              ? ""
                              : flags.dir + "/web_console_" + std::to_string(flags.count) + "_" +
                                    std::to_string(flags.stores);
  std::printf("web_console_bench: %lld customer records, %d stores, %d requests a page\n",
              static_cast<long long>(flags.count), flags.stores, requests);
  bench::BenchHub bench_hub(dir, /*reuse=*/!dir.empty());
  const std::string token = Prepare(bench_hub, flags.count, flags.stores);
  auto raw_db = testing::OpenHubFileReadOnly(bench_hub.dir + "/hub.db");
  const std::vector<Sample> samples = PickSamples(*raw_db, flags.count, std::min(requests, 1000));

  TimeNothingChanged(*bench_hub.hub);

  Figures f;
  ConsoleRounds(*bench_hub.hub, token, samples, requests, flags.stores, f);
  RawRounds(*raw_db, samples, requests, f);
  Report(f, flags.count, flags.stores, json);
  if (pg_port > 0) MeasureOnPostgres(bench_hub, pg_port, samples, flags, requests, json);
  return 0;
}
