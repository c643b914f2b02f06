// outpost-hub segments show | list | refresh | rules show|set: customer
// segments at head office (docs/FOLLOWUP.md, "Segments"). Labels zh-CN
// first, then English.
#include "hub/queries/segments.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>
#include <tuple>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "sync/model/booking.h"

namespace outpost::hub::cli {
namespace {

using nlohmann::json;

json SegmentJson(const std::string& unified_id, const segments::Segment& s) {
  return {{"unified_id", unified_id},
          {"value_tier", s.value_tier},
          {"frequency_tier", s.frequency_tier},
          {"lifecycle", s.lifecycle},
          {"rfm",
           {{"recency_score", s.recency_score},
            {"frequency_score", s.frequency_score},
            {"monetary_score", s.monetary_score},
            {"recency_days", s.recency_days},
            {"frequency", s.frequency},
            {"monetary_fen", s.monetary_fen}}},
          {"visits_total", s.visits_total},
          {"first_visit", s.first_visit.ToString()},
          {"last_visit", s.last_visit.ToString()}};
}

void PrintSegmentLine(const std::string& unified_id, const segments::Segment& s,
                      std::ostream& out) {
  out << "  " << unified_id << "  " << s.value_tier << "  " << s.frequency_tier << "  "
      << s.lifecycle << "  R" << s.recency_score << "F" << s.frequency_score << "M"
      << s.monetary_score << "  到店/visits " << s.frequency << "  消费/spent "
      << model::FormatYuan(s.monetary_fen) << " 元/yuan  最近/last " << s.last_visit.ToString()
      << "\n";
}

}  // namespace

SegmentCommands::SegmentCommands(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  segments_ = app.add_subcommand("segments", "customer segments: RFM, tiers, lifecycle");
  segments_->require_subcommand(1);
  show_ = segments_->add_subcommand("show", "one customer's segment and the figures behind it");
  show_->add_option("--customer", customer_, "unified id or a store's record id")->required();
  list_ = segments_->add_subcommand("list", "every customer's segment (VIP first)");
  list_->add_option("--tier", tier_, "vip, regular or new");
  list_->add_option("--stage", stage_, "new, growing, mature, declining or lost");
  refresh_ = segments_->add_subcommand(
      "refresh", "recompute the segments the stores' profiles carry (daily; after new rules)");
  SettingCommands rules =
      AddSettingCommands(*segments_, "rules", "the thresholds segments are computed with",
                         "replace the thresholds with a file's", file_, staff_);
  std::tie(rules_, rules_show_, rules_set_) = std::tie(rules.group, rules.show, rules.set);
}

bool SegmentCommands::parsed() const { return segments_->parsed(); }

int SegmentCommands::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  if (show_->parsed()) return RunShow(hub, out, err);
  if (list_->parsed()) return RunList(hub, out, err);
  if (rules_->parsed()) return RunRules(hub, out, err);
  auto stats = hub.RefreshSegments();
  if (!stats.ok()) return Fail(stats.status(), err);
  if (flags_.json) {
    out << json{{"customers", stats->customers}, {"sent", stats->sent}}.dump(2) << "\n";
    return 0;
  }
  out << "分群已重算/segments recomputed: " << stats->customers << " customer(s), " << stats->sent
      << " profile version(s) for stores\n";
  return 0;
}

int SegmentCommands::RunShow(Hub& hub, std::ostream& out, std::ostream& err) {
  auto view = queries::SegmentOfCustomer(queries::HubReader(hub), customer_);
  if (!view.ok()) return Fail(view.status(), err);
  if (flags_.json) {
    json shown = view->segment ? SegmentJson(view->unified_id, *view->segment)
                               : json{{"unified_id", view->unified_id}};
    shown["as_of"] = view->as_of;
    shown["segment"] = view->segment.has_value();
    json records = json::array();
    for (const auto& r : view->records) {
      records.push_back({{"store_id", r.site_id}, {"record_id", r.record_id}, {"name", r.name}});
    }
    shown["records"] = records;
    out << shown.dump(2) << "\n";
    return 0;
  }
  out << "客户分群/segment " << view->unified_id << " (截至/as of " << view->as_of << ")\n";
  for (const auto& r : view->records) {
    out << "  档案/record " << r.site_id << " " << r.record_id << " " << r.name << "\n";
  }
  if (!view->segment) {
    out << "  无完成到店/no completed visit at any store: no segment\n";
    return 0;
  }
  const segments::Segment& s = *view->segment;
  out << "  价值等级/value tier: " << s.value_tier << "\n"
      << "  频次等级/frequency tier: " << s.frequency_tier << "\n"
      << "  生命周期/lifecycle: " << s.lifecycle << "\n"
      << "  RFM: R" << s.recency_score << " F" << s.frequency_score << " M" << s.monetary_score
      << "  (最近到店/recency " << s.recency_days << " 天/days; 近12个月到店/visits " << s.frequency
      << "; 消费/spent " << model::FormatYuan(s.monetary_fen) << " 元/yuan)\n"
      << "  累计到店/visits ever " << s.visits_total << ", 首次/first " << s.first_visit.ToString()
      << ", 最近/last " << s.last_visit.ToString() << "\n";
  return 0;
}

int SegmentCommands::RunList(Hub& hub, std::ostream& out, std::ostream& err) {
  auto list = queries::ListSegments(queries::HubReader(hub), {tier_, stage_});
  if (!list.ok()) return Fail(list.status(), err);
  if (flags_.json) {
    json rows = json::array();
    for (const auto& row : list->rows) rows.push_back(SegmentJson(row.unified_id, row.segment));
    out << json{{"as_of", list->as_of}, {"customers", list->customers}, {"segments", rows}}.dump(2)
        << "\n";
    return 0;
  }
  out << "客户分群/segments (截至/as of " << list->as_of << "): " << list->rows.size() << " of "
      << list->customers << " customer(s) with a completed visit\n";
  for (const auto& row : list->rows) PrintSegmentLine(row.unified_id, row.segment, out);
  return 0;
}

int SegmentCommands::RunRules(Hub& hub, std::ostream& out, std::ostream& err) {
  if (rules_show_->parsed()) {
    auto rules = queries::ReadSegmentRules(queries::HubReader(hub));
    if (!rules.ok()) return Fail(rules.status(), err);
    json shown = segments::SegmentRulesJson(rules->rules);
    shown["source"] = rules->is_default
                          ? json("default")
                          : json{{"set_at", rules->set_at}, {"set_by", rules->set_by}};
    out << shown.dump(2) << "\n";
    return 0;
  }
  auto text = ReadWholeFile(file_);
  if (!text.ok()) return Fail(text.status(), err);
  Status set = SetSegmentRules(hub.storage().campaigns(), hub.clock(), text.value(), staff_);
  if (!set.ok()) {
    return Fail(
        Status(set.code(), file_ + ": " + set.message()).WithShown(file_ + ": " + set.shown()),
        err);
  }
  // Every segment may move with new thresholds: the stores get them at once.
  auto stats = hub.RefreshSegments();
  if (!stats.ok()) return Fail(stats.status(), err);
  out << "分群规则已更新/segment rules set from " << file_ << "; " << stats->sent
      << " profile version(s) for stores\n";
  return 0;
}

}  // namespace outpost::hub::cli
