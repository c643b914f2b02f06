// Paper import of transcribed forms, beside the raw SQLite rate of the same rows.
//
// Measures, in one run and on one filesystem:
//   raw     parse the same CSV and INSERT one 11-column row per form, one transaction
//   import  ImportPaper --commit: decode, parse, validate every field (handwritten
//           dates and times, phones, plates), match or create the customer, check the
//           slot rules, book (booking, history, change log, form record), one transaction
// The forms are messy on purpose: full-width digits, 年月日 dates, 点 times, phones
// with spaces and +86, plates with the middle dot; a tenth of them are returning
// customers matched by phone. Rounds alternate raw and import; medians reported.
//
//   paper_bench [--rows N] [--rounds R] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "edge/paper.h"
#include "edge/store.h"
#include "sync/csv.h"
#include "sync/sqlite.h"
#include "sync/testing.h"

namespace {

using namespace outpost;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename F>
double TimeMs(F&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::string MakeForms(int rows) {
  std::string out = edge::PaperTemplateCsv();
  const char* times[] = {"8:30", "10点", "11:00", "下午2点", "15:00", "16点"};
  for (int i = 0; i < rows; ++i) {
    // 300 forms a day (6 slots x 50 places), from 2026-12-01 on: no slot overfills.
    const LocalDate d = LocalDate{2026, 12, 1}.AddDays(i / 300);
    const int customer = i % 10 == 9 ? i - 9 : i;  // every tenth: a returning customer
    char row[512];
    std::snprintf(row, sizeof row,
                  "F261201-%d,%s,%s,客户%d,%s139 %04d %04d,京A·%05d,,保养,\"备注, %d\",2026-11-2%d "
                  "08:%02d,SA Li\r\n",
                  i % 999 + 1,
                  (i % 3 == 0 ? std::to_string(d.year) + "年" + std::to_string(d.month) + "月" +
                                    std::to_string(d.day) + "日"
                              : d.ToString())
                      .c_str(),
                  times[i % 6], customer, i % 2 ? "+86 " : "", customer / 10000 + 1000,
                  customer % 10000, customer, i, 1 + i % 2, i % 60);
    out += row;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 10000, rounds = 3;
  std::string dir_arg;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--rows")) rows = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir_arg = argv[i + 1];
  }
  testing::TempDir tmp;
  const std::string dir = dir_arg.empty() ? tmp.path() : dir_arg;
  // Form ids repeat after 999 on one sheet day: number them across many days.
  std::string csv = edge::PaperTemplateCsv();
  {
    const std::string body = MakeForms(rows);
    size_t pos = body.find("\r\n") + 2;  // skip the header
    int i = 0;
    while (pos < body.size()) {
      size_t end = body.find("\r\n", pos);
      std::string line = body.substr(pos, end - pos);
      char id[24];
      std::snprintf(id, sizeof id, "F26%02d%02d-%d", 1 + (i / 999) / 28 % 12, 1 + (i / 999) % 28,
                    i % 999 + 1);
      line = id + line.substr(line.find(','));
      csv += line + "\r\n";
      pos = end + 2;
      ++i;
    }
  }
  const std::string forms = dir + "/forms.csv";
  std::ofstream(forms, std::ios::binary) << csv;

  FixedClock clock(ParseUtcMs("2026-11-30T01:00:00Z").value());
  std::vector<double> raw_ms, import_ms;
  int imported = 0, rejected = 0;
  for (int r = 0; r < rounds; ++r) {
    const std::string raw_db = dir + "/raw" + std::to_string(r) + ".db";
    raw_ms.push_back(TimeMs([&] {
      auto db = Db::Open(raw_db, {}).value();
      if (!db->Exec("CREATE TABLE t (a TEXT PRIMARY KEY, b TEXT, c TEXT, d TEXT, e TEXT, f TEXT,"
                    " g TEXT, h TEXT, i TEXT, j TEXT, k TEXT)")
               .ok()) {
        std::abort();
      }
      auto records = csv::Parse(csv, ',').value();
      auto tx = Transaction::Begin(*db).value();
      for (size_t i = 1; i < records.size(); ++i) {
        auto st = db->Prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").value();
        for (int c = 0; c < 11; ++c) st.Bind(c + 1, records[i].fields[c]);
        if (!st.Run().ok()) std::abort();
      }
      if (!tx->Commit().ok()) std::abort();
    }));

    edge::StoreSettings settings;
    settings.store_id = "BENCH";
    settings.name = "Bench store";
    for (auto& s : settings.slots) s.capacity = 50;
    auto store =
        edge::Store::Create(dir + "/store" + std::to_string(r) + ".db", settings, clock).value();
    edge::ImportOptions options;
    options.path = forms;
    options.commit = true;
    options.operator_name = "bench";
    import_ms.push_back(TimeMs([&] {
      auto report = edge::ImportPaper(*store, options);
      if (!report.ok()) {
        std::fprintf(stderr, "import failed: %s\n", report.status().ToString().c_str());
        std::abort();
      }
      imported = static_cast<int>(report->imported.size() + report->duplicates.size());
      rejected = static_cast<int>(report->rejected.size());
    }));
  }
  const double raw = Median(raw_ms), imp = Median(import_ms);
  std::printf("paper import: %d rows (%d booked or duplicate, %d rejected), %d rounds\n", rows,
              imported, rejected, rounds);
  std::printf("  raw parse + insert, 1 tx : median %8.1f ms (%9.0f rows/s)\n", raw,
              rows / raw * 1000);
  std::printf("  ImportPaper --commit     : median %8.1f ms (%9.0f rows/s)  target < 2000 ms\n",
              imp, rows / imp * 1000);
  std::printf("  ratio import/raw time    : %.1fx\n", imp / raw);
  return rejected == 0 ? 0 : 1;
}
