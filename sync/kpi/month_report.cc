#include "sync/kpi/month_report.h"

#include <cstdio>

#include "sync/civil_time.h"
#include "sync/i18n/messages.h"

namespace outpost::kpi {
namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

bool InMonth(const std::string& date, const std::string& month) {
  return date.size() == 10 && date.compare(0, 7, month) == 0;
}

void Count(Ratio& ratio, bool counts) {
  ++ratio.den;
  if (counts) ++ratio.num;
}

void AddBookings(const MonthFacts& facts, MonthReport& report) {
  for (const BookingFact& b : facts.bookings) {
    if (InMonth(b.made_on, facts.month) && !b.moved_here) {
      ++report.made_by_channel[b.channel];
      ++report.made;
    }
    if (!InMonth(b.slot_date, facts.month)) continue;
    const bool moved = b.status == "rescheduled";
    Count(report.rescheduled, moved);
    if (moved) continue;
    const bool cancelled = b.status == "cancelled";
    Count(report.cancelled, cancelled);
    if (cancelled) {
      Count(report.cancelled_early,
            b.cancelled_at_ms.has_value() && b.slot_start_ms - *b.cancelled_at_ms >= kDayMs);
      continue;
    }
    Count(report.arrival, b.arrived);
    Count(report.completed, b.status == "completed");
    Count(report.no_show, b.status == "no-show");
  }
}

void AddCalls(const MonthFacts& facts, MonthReport& report) {
  int64_t dissatisfied = 0;
  std::map<std::string, int64_t> items;
  for (const CallFact& c : facts.calls) {
    if (!InMonth(c.on, facts.month) || c.kind == "complaint") continue;
    const bool reached = c.result == "reached";
    const bool answered = reached || c.result == "refused";
    Count(report.connect, reached);
    if (answered || c.result == "wrong_number" || c.result == "empty_number") {
      Count(report.accuracy, answered);
    }
    if (!reached || !c.satisfied.has_value()) continue;
    Count(report.satisfaction, *c.satisfied);
    if (*c.satisfied) continue;
    ++dissatisfied;
    for (const std::string& item : c.items) ++items[item];
  }
  for (const char* item : kReportItems) {
    report.dissatisfied_by_item[item] = Ratio{items[item], dissatisfied};
  }
}

Status AddComplaints(const MonthFacts& facts, const std::string& last_day, MonthReport& report) {
  for (const ComplaintFact& c : facts.complaints) {
    if (InMonth(c.opened_on, facts.month)) ++report.complaints_opened;
    if (c.closed_on.has_value() && InMonth(*c.closed_on, facts.month)) {
      ++report.complaints_closed;
      auto opened = LocalDate::Parse(c.opened_on);
      auto closed = LocalDate::Parse(*c.closed_on);
      if (!opened.ok()) return opened.status();
      if (!closed.ok()) return closed.status();
      report.close_days.num += closed->ToDays() - opened->ToDays();
      ++report.close_days.den;
    }
    const bool open_at_end = !c.closed_on.has_value() || *c.closed_on > last_day;
    if (c.opened_on <= last_day && open_at_end && c.due_by <= last_day) {
      ++report.complaints_overdue;
    }
  }
  return Status::Ok();
}

}  // namespace

std::string PercentText(const Ratio& ratio) {
  if (ratio.den == 0) return "—";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%",
                100.0 * static_cast<double>(ratio.num) / static_cast<double>(ratio.den));
  return text;
}

Result<MonthReport> ComputeMonthReport(const MonthFacts& facts) {
  auto first = LocalDate::Parse(facts.month + "-01");
  if (facts.month.size() != 7 || !first.ok()) {
    return Status::InvalidInput("month: '" + facts.month + "' is not a month YYYY-MM")
        .WithShown(i18n::Format("month: '{0}' is not a month YYYY-MM", {facts.month}))
        .WithField("month");
  }
  LocalDate next = first->AddDays(31);
  next = LocalDate{next.year, next.month, 1};
  const std::string last_day = next.AddDays(-1).ToString();

  MonthReport report;
  report.month = facts.month;
  AddBookings(facts, report);
  for (const ContactFact& c : facts.contacts) {
    if (InMonth(c.on, facts.month)) Count(report.success, c.outcome == "booked");
  }
  AddCalls(facts, report);
  RETURN_IF_ERROR(AddComplaints(facts, last_day, report));
  return report;
}

namespace {

struct Figure {
  const char* key;
  const char* zh;
  const char* en;
  Ratio ratio;
};

// Every figure in the order the report prints it.
std::vector<Figure> Figures(const MonthReport& r) {
  std::vector<Figure> out;
  for (const auto& [channel, n] : r.made_by_channel) {
    out.push_back({nullptr, "", channel.c_str(), Ratio{n, r.made}});
  }
  out.push_back({"arrival", "到店率", "arrival rate", r.arrival});
  out.push_back({"completed", "完工率", "completed", r.completed});
  out.push_back({"no_show", "爽约率", "no-show rate", r.no_show});
  out.push_back({"cancelled", "取消率", "cancellations", r.cancelled});
  out.push_back(
      {"cancelled_early", "提前24小时取消", "cancelled >= 24 h ahead", r.cancelled_early});
  out.push_back({"rescheduled", "改期", "rescheduled", r.rescheduled});
  out.push_back({"success", "邀约成功率", "booking success (proactive contacts)", r.success});
  out.push_back({"connect", "接通率", "follow-up connect rate", r.connect});
  out.push_back({"accuracy", "资料准确率", "profile accuracy", r.accuracy});
  out.push_back({"satisfaction", "满意率", "satisfaction", r.satisfaction});
  return out;
}

const char* ItemZh(const std::string& item) { return ItemLabelZh(item); }

nlohmann::json RatioJson(const Ratio& ratio) {
  nlohmann::json j = {{"num", ratio.num}, {"den", ratio.den}, {"percent", nullptr}};
  if (ratio.den != 0) {
    j["percent"] = 100.0 * static_cast<double>(ratio.num) / static_cast<double>(ratio.den);
  }
  return j;
}

std::string FractionText(const Ratio& ratio) {
  return std::to_string(ratio.num) + "/" + std::to_string(ratio.den) + "  " + PercentText(ratio);
}

std::string PercentCsv(const Ratio& ratio) {
  std::string text = PercentText(ratio);
  return ratio.den == 0 ? "" : text.substr(0, text.size() - 1);
}

}  // namespace

const char* ItemLabelZh(const std::string& item) {
  if (item == "attitude") return "服务态度";
  if (item == "repair_quality") return "维修质量";
  if (item == "price") return "价格";
  if (item == "parts") return "配件";
  if (item == "waiting_time") return "等待时间";
  return "其他";
}

std::vector<FigureLabel> MonthReportFigures(const MonthReport& r) {
  std::vector<FigureLabel> out;
  for (const Figure& f : Figures(r)) {
    if (f.key == nullptr) {
      out.push_back({"channel:" + std::string(f.en), "渠道", f.en, f.ratio});
    } else {
      out.push_back({f.key, f.zh, f.en, f.ratio});
    }
  }
  for (const char* item : kReportItems) {
    auto it = r.dissatisfied_by_item.find(item);
    out.push_back({std::string("dissatisfied:") + item, std::string("不满意 ") + ItemLabelZh(item),
                   item, it == r.dissatisfied_by_item.end() ? Ratio{} : it->second});
  }
  return out;
}

nlohmann::json MonthReportJson(const MonthReport& r) {
  nlohmann::json channels = nlohmann::json::object();
  for (const auto& [channel, n] : r.made_by_channel) channels[channel] = n;
  nlohmann::json j = {{"month", r.month}, {"made", r.made}, {"made_by_channel", channels}};
  for (const Figure& f : Figures(r)) {
    if (f.key != nullptr) j[f.key] = RatioJson(f.ratio);
  }
  nlohmann::json items = nlohmann::json::object();
  for (const auto& [item, ratio] : r.dissatisfied_by_item) items[item] = RatioJson(ratio);
  j["dissatisfied_by_item"] = items;
  j["complaints"] = {{"opened", r.complaints_opened},
                     {"closed", r.complaints_closed},
                     {"overdue", r.complaints_overdue},
                     {"close_days", RatioJson(r.close_days)}};
  return j;
}

std::string MonthReportCsv(const MonthReport& r) {
  std::string out = "figure,numerator,denominator,percent\n";
  out += "made," + std::to_string(r.made) + ",,\n";
  auto line = [&out](const std::string& name, const Ratio& ratio) {
    out += name + "," + std::to_string(ratio.num) + "," + std::to_string(ratio.den) + "," +
           PercentCsv(ratio) + "\n";
  };
  for (const Figure& f : Figures(r)) {
    line(f.key != nullptr ? std::string(f.key) : "channel:" + std::string(f.en), f.ratio);
  }
  for (const char* item : kReportItems) {
    auto it = r.dissatisfied_by_item.find(item);
    line(std::string("dissatisfied:") + item,
         it == r.dissatisfied_by_item.end() ? Ratio{} : it->second);
  }
  // Counts: a numerator alone.
  auto count = [&out](const char* name, int64_t n) {
    out += std::string(name) + "," + std::to_string(n) + ",,\n";
  };
  count("complaints_opened", r.complaints_opened);
  count("complaints_closed", r.complaints_closed);
  count("complaints_overdue", r.complaints_overdue);
  line("complaint_close_days", r.close_days);
  return out;
}

std::string MonthReportText(const MonthReport& r, const std::string& store_id) {
  std::string out = "月报 month report " + r.month + "  " + store_id + "\n";
  out += "预约数 bookings made: " + std::to_string(r.made) + "\n";
  for (const Figure& f : Figures(r)) {
    if (f.key == nullptr) {
      out += "  渠道 channel " + std::string(f.en) + ": " + FractionText(f.ratio) + "\n";
    } else {
      out += std::string(f.zh) + " " + f.en + ": " + FractionText(f.ratio) + "\n";
    }
  }
  out += "不满意项目 dissatisfied by item:\n";
  for (const char* item : kReportItems) {
    auto it = r.dissatisfied_by_item.find(item);
    Ratio ratio = it == r.dissatisfied_by_item.end() ? Ratio{} : it->second;
    out += "  " + std::string(ItemZh(item)) + " " + item + ": " + FractionText(ratio) + "\n";
  }
  out += "投诉 complaints: 新开 opened " + std::to_string(r.complaints_opened) + ", 关闭 closed " +
         std::to_string(r.complaints_closed) + ", 逾期 overdue " +
         std::to_string(r.complaints_overdue) + "\n";
  std::string avg = "—";
  if (r.close_days.den != 0) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f",
                  static_cast<double>(r.close_days.num) / static_cast<double>(r.close_days.den));
    avg = text;
  }
  out += "平均关闭天数 mean days to close: " + avg + " (" + std::to_string(r.close_days.num) + "/" +
         std::to_string(r.close_days.den) + ")\n";
  return out;
}

}  // namespace outpost::kpi
