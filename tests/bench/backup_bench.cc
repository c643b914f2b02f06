// `outpost backup` beside the plain way an admin would copy a live database.
//
// Builds a store-sized database (the real edge schema from the embedded
// migrations; customers, phones, bookings, their history rows and change-log
// entries written with plain SQL), then in the same run, alternating, R rounds of:
//   baseline  `sqlite3 SRC ".backup TMP"` then `zstd -3 -q TMP -o TMP.zst`
//             (two processes; no integrity check, no encryption, no fsync)
//   baseline + integrity_check: the same with `sqlite3 TMP "PRAGMA integrity_check"`
//             between the two (the check outpost makes)
//   outpost   `outpost backup --db SRC --out FILE --key KEY`: online snapshot,
//             integrity_check, BLAKE2b digest, zstd -3, XChaCha20-Poly1305
//             chunks, fsync and rename
//   restore   `outpost restore`: every chunk verified, digest, integrity_check, fsync
// and prints medians, MB/s of the database size and the outpost/baseline ratio.
//
//   backup_bench [--bookings N] [--rounds R] [--dir DIR]
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "schema/migrations.h"
#include "sync/sqlite.h"
#include "sync/testing.h"
#include "tests/process.h"

namespace {

using outpost::Db;
using outpost::testing::ProcessResult;
using outpost::testing::RunProgram;

void Check(const outpost::Status& st, const char* what) {
  if (!st.ok()) {
    std::fprintf(stderr, "backup_bench: %s: %s\n", what, st.ToString().c_str());
    std::exit(1);
  }
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The full path of a program on PATH (execve needs one).
std::string Which(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  std::fprintf(stderr, "backup_bench: %s not found on PATH (ops/install-deps.sh installs it)\n",
               name.c_str());
  std::exit(1);
}

// CPU seconds (user + system) of all children reaped so far.
double ChildrenCpu() {
  rusage u;
  getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Timing {
  double wall = 0;
  double cpu = 0;
  Timing& operator+=(const Timing& o) {
    wall += o.wall;
    cpu += o.cpu;
    return *this;
  }
};

Timing TimedRun(const std::vector<std::string>& argv) {
  const double cpu0 = ChildrenCpu();
  auto t0 = std::chrono::steady_clock::now();
  ProcessResult r = RunProgram(argv);
  Timing t{std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
           ChildrenCpu() - cpu0};
  if (r.exit_code != 0) {
    std::fprintf(stderr, "backup_bench: %s failed (%d): %s\n", argv[0].c_str(), r.exit_code,
                 r.err.c_str());
    std::exit(1);
  }
  return t;
}

// A random version-4-shaped UUID, as the desk mints them, from the row's random hex x.
constexpr const char* kUuid =
    "substr(x,1,8)||'-'||substr(x,9,4)||'-4'||substr(x,14,3)||'-a'||substr(x,18,3)||'-'||"
    "substr(x,21,12)";
// Rows i = FIRST..LAST, each with 32 fresh random hex digits x.
std::string Numbers(int first, int last) {
  return "WITH RECURSIVE n(i, x) AS (SELECT " + std::to_string(first) +
         ", lower(hex(randomblob(16))) UNION ALL SELECT i + 1, lower(hex(randomblob(16))) FROM n"
         " WHERE i < " +
         std::to_string(last) + ") ";
}

void BuildStore(const std::string& path, int bookings) {
  auto db = Db::Open(path, {});
  Check(db.status(), "open");
  Check((*db)->Migrate(outpost::schema::EdgeMigrations()), "migrate");
  Db& d = **db;
  const int customers = std::max(1, bookings / 2);
  const std::string ts = "strftime('%Y-%m-%dT%H:%M:%fZ', 1767225600 + i * 37, 'unixepoch')";
  Check(d.Exec("PRAGMA synchronous=OFF; BEGIN"), "begin");
  Check(
      d.Exec("INSERT INTO store_config (singleton, store_id, name, time_zone, phone_region,"
             " open_days, min_notice_minutes, priority_notice_minutes, discount_cutoff,"
             " discount_percent, created_at) VALUES (1, 'SH-PUDONG', '浦东服务中心',"
             " 'Asia/Shanghai', 'CN', '1234567', 30, 240, '10:00', 10, '2026-01-01T00:00:00.000Z');"
             "INSERT INTO slots VALUES ('08:30', 2), ('10:00', 2), ('11:00', 2), ('14:00', 2),"
             " ('15:00', 2), ('16:00', 2);"),
      "config");
  Check(d.Exec(
            Numbers(1, customers) +
            "INSERT INTO customers (id, store_id, name, name_key, member_id, contact_opt_in,"
            " do_not_disturb, created_at, created_by, updated_at) SELECT " +
            kUuid +
            ", 'SH-PUDONG', '客户' || i, 'kehu ' || i, CASE WHEN i % 3 = 0 THEN 'M' || (700000 + i)"
            " END, i % 2, i % 17 = 0, " +
            ts + ", 'SA Zhang', " + ts + " FROM n"),
        "customers");
  Check(d.Exec("INSERT INTO customer_phones (customer_id, e164, added_at) SELECT id,"
               " printf('+86139%08d', rowid), created_at FROM customers"),
        "phones");
  Check(
      d.Exec(
          Numbers(0, bookings - 1) +
          "INSERT INTO bookings (id, ref, store_id, customer_id, service, slot_date, slot_time,"
          " channel, status, notes, staff, requested_at, created_at, updated_at,"
          " priority_reception, discount_eligible) SELECT " +
          kUuid +
          ", substr(replace(date('2026-01-01', '+' || (i / 12) || ' days'), '-', ''), 3) || '-' ||"
          " (1 + i % 12),"
          " 'SH-PUDONG', (SELECT id FROM customers WHERE rowid = 1 + i % " +
          std::to_string(customers) +
          "), CASE i % 4 WHEN 0 THEN 'maintenance' WHEN 1 THEN 'tyres' WHEN 2 THEN 'inspection'"
          " ELSE 'repair' END, date('2026-01-01', '+' || (i / 12) || ' days'),"
          " CASE (i / 2) % 6 WHEN 0 THEN '08:30' WHEN 1 THEN '10:00' WHEN 2 THEN '11:00'"
          " WHEN 3 THEN '14:00' WHEN 4 THEN '15:00' ELSE '16:00' END,"
          " CASE i % 5 WHEN 0 THEN 'phone' WHEN 1 THEN 'wechat' WHEN 2 THEN 'online'"
          " WHEN 3 THEN 'walk-in' ELSE 'call-centre' END,"
          " CASE i % 7 WHEN 0 THEN 'completed' WHEN 1 THEN 'confirmed' ELSE 'requested' END,"
          " CASE WHEN i % 9 = 0 THEN '客户要求洗车, 等候区' ELSE '' END,"
          " CASE i % 3 WHEN 0 THEN 'SA Zhang' WHEN 1 THEN 'SA Li' ELSE 'CC Wang' END, " +
          ts + ", " + ts + ", " + ts + ", i % 2, i % 3 = 0 FROM n"),
      "bookings");
  Check(d.Exec("INSERT INTO booking_history (booking_id, at, staff, action, from_status, to_status)"
               " SELECT id, created_at, staff, 'book', NULL, 'requested' FROM bookings"),
        "history");
  // One log entry per customer and per booking, the booking's fields as JSON.
  Check(
      d.Exec("INSERT INTO change_log (seq, site_id, hlc, entity, entity_id, op, fields, staff,"
             " business_time, recorded_at, schema_version, prev_hash, hash)"
             " SELECT rowid, 'SH-PUDONG', 1767225600000 * 65536 + rowid, 'customer', id, 'insert',"
             " json_object('name', name, 'member_id', member_id), created_by, NULL, created_at, 1,"
             " randomblob(32), randomblob(32) FROM customers"),
      "customer log");
  Check(
      d.Exec("INSERT INTO change_log (seq, site_id, hlc, entity, entity_id, op, fields, staff,"
             " business_time, recorded_at, schema_version, prev_hash, hash)"
             " SELECT " +
             std::to_string(customers) +
             " + rowid, 'SH-PUDONG',"
             " 1767225600000 * 65536 + rowid, 'booking', id, 'insert',"
             " json_object('ref', ref, 'customer_id', customer_id, 'service', service, 'slot_date',"
             " slot_date, 'slot_time', slot_time, 'channel', channel, 'status', status),"
             " staff, requested_at, created_at, 1, randomblob(32), randomblob(32) FROM bookings"),
      "booking log");
  Check(d.Exec("COMMIT; PRAGMA wal_checkpoint(TRUNCATE)"), "commit");
}

}  // namespace

int main(int argc, char** argv) {
  int bookings = 70'000, rounds = 3;  // ~100 MB: a busy store's few years
  std::string dir_arg;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--bookings")) bookings = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir_arg = argv[i + 1];
  }
  outpost::testing::TempDir temp;
  const std::string dir = dir_arg.empty() ? temp.path() : dir_arg;
  const std::string src = dir + "/store.db", key = dir + "/backup.key";
  const std::string sqlite3 = Which("sqlite3"), zstd = Which("zstd");

  auto t0 = std::chrono::steady_clock::now();
  BuildStore(src, bookings);
  const double build_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double mb = static_cast<double>(std::filesystem::file_size(src)) / 1e6;
  std::printf("database: %d bookings, %d customers, %.1f MB (edge schema), built in %.1f s\n",
              bookings, std::max(1, bookings / 2), mb, build_s);
  TimedRun({OUTPOST_BIN, "backup-keygen", "--out", key});

  std::vector<double> base, ours, restore, base_cpu, ours_cpu, restore_cpu, checked, checked_cpu;
  double base_out = 0, ours_out = 0;
  for (int round = 0; round < rounds; ++round) {
    const std::string tmp = dir + "/copy.db", zst = dir + "/copy.db.zst";
    const std::string out = dir + "/store.obk", back = dir + "/restored.db";
    for (const auto& p : {tmp, zst, out, back}) std::filesystem::remove(p);
    Timing b = TimedRun({sqlite3, src, ".backup '" + tmp + "'"});
    b += TimedRun({zstd, "-3", "-q", "-f", tmp, "-o", zst});
    base_out = static_cast<double>(std::filesystem::file_size(zst)) / 1e6;
    // The same with the check outpost makes: what a careful admin would run.
    for (const auto& p : {tmp, zst}) std::filesystem::remove(p);
    Timing c = TimedRun({sqlite3, src, ".backup '" + tmp + "'"});
    c += TimedRun({sqlite3, tmp, "PRAGMA integrity_check"});
    c += TimedRun({zstd, "-3", "-q", "-f", tmp, "-o", zst});
    checked.push_back(c.wall);
    checked_cpu.push_back(c.cpu);
    Timing o = TimedRun({OUTPOST_BIN, "backup", "--db", src, "--out", out, "--key", key});
    ours_out = static_cast<double>(std::filesystem::file_size(out)) / 1e6;
    Timing r = TimedRun({OUTPOST_BIN, "restore", "--from", out, "--to", back, "--key", key});
    base.push_back(b.wall);
    ours.push_back(o.wall);
    restore.push_back(r.wall);
    base_cpu.push_back(b.cpu);
    ours_cpu.push_back(o.cpu);
    restore_cpu.push_back(r.cpu);
    std::printf(
        "round %d: baseline %.2f s (cpu %.2f), baseline+check %.2f s (cpu %.2f),"
        " outpost backup %.2f s (cpu %.2f), outpost restore %.2f s (cpu %.2f)\n",
        round + 1, b.wall, b.cpu, c.wall, c.cpu, o.wall, o.cpu, r.wall, r.cpu);
  }
  const double b = Median(base), o = Median(ours), r = Median(restore);
  std::printf(
      "baseline (sqlite3 .backup + zstd -3): median %.2f s, %.1f MB/s, cpu %.2f s, %.1f MB -> %.1f "
      "MB\n",
      b, mb / b, Median(base_cpu), mb, base_out);
  std::printf("baseline + integrity_check:           median %.2f s, %.1f MB/s, cpu %.2f s\n",
              Median(checked), mb / Median(checked), Median(checked_cpu));
  std::printf(
      "outpost backup:                       median %.2f s, %.1f MB/s, cpu %.2f s, %.1f MB -> %.1f "
      "MB\n",
      o, mb / o, Median(ours_cpu), mb, ours_out);
  std::printf("outpost restore:                      median %.2f s, %.1f MB/s, cpu %.2f s\n", r,
              mb / r, Median(restore_cpu));
  std::printf(
      "outpost / baseline: %.2fx wall, %.2fx cpu (target: within 2x);"
      " outpost / baseline+check: %.2fx wall\n",
      o / b, Median(ours_cpu) / Median(base_cpu), o / Median(checked));
  return 0;
}
