#include "hub/cli/output.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <ostream>

#include "sync/i18n/messages.h"

namespace outpost::hub::cli {

int Fail(const Status& st, std::ostream& err) {
  err << "outpost-hub: " << st.ShownString() << "\n";
  return ExitCodeFor(st);
}

// "YYYY-MM-DD", "today", "tomorrow" or "+N", head office's day (Asia/Shanghai).
Result<LocalDate> ParseDay(const std::string& text, const Clock& clock) {
  ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load("Asia/Shanghai"));
  const LocalDate today = zone.UtcToLocal(clock.NowMs()).date;
  if (text.empty() || text == "today") return today;
  if (text == "tomorrow") return today.AddDays(1);
  if (text.size() > 1 && text[0] == '+' &&
      text.find_first_not_of("0123456789", 1) == std::string::npos && text.size() < 6) {
    return today.AddDays(std::atoi(text.c_str() + 1));
  }
  auto date = LocalDate::Parse(text);
  if (!date.ok()) {
    return Status::InvalidInput("--date: '" + text +
                                "' is not a date (YYYY-MM-DD, today, tomorrow or +N)")
        .WithShown(i18n::Format("--date: '{0}' is not a date (YYYY-MM-DD, today, tomorrow or +N)",
                                {text}));
  }
  return date;
}

SettingCommands AddSettingCommands(CLI::App& parent, const std::string& name,
                                   const std::string& what, const std::string& set_help,
                                   std::string& file, std::string& staff) {
  SettingCommands out;
  out.group = parent.add_subcommand(name, what);
  out.group->require_subcommand(1);
  out.show = out.group->add_subcommand("show", "the " + name + " in force (JSON)");
  out.set = out.group->add_subcommand("set", set_help);
  out.set->add_option("--file", file)->required();
  out.set->add_option("--staff", staff)->required();
  return out;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::NotFound(path + ": cannot be read")
        .WithShown(i18n::Format("{0}: cannot be read", {path}));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

nlohmann::json StandbyJson(const std::optional<storage::StandbyState>& standby) {
  if (!standby) return nullptr;
  return {{"replayed_at", standby->replayed_at},
          {"caught_up", standby->caught_up},
          {"lag_ms", standby->lag_ms}};
}

nlohmann::json EvidenceJson(const std::vector<Evidence>& list) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : list) {
    arr.push_back({{"record_a", e.record_a},
                   {"record_b", e.record_b},
                   {"kind", e.kind},
                   {"value", e.value},
                   {"links", e.links}});
  }
  return arr;
}

Result<std::pair<std::string, int>> ParseBind(const std::string& bind) {
  const size_t colon = bind.rfind(':');
  const std::string port_text = colon == std::string::npos ? "" : bind.substr(colon + 1);
  if (colon == 0 || port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port_text) > 65535) {
    return Status::InvalidInput("--bind: '" + bind + "' is not HOST:PORT (127.0.0.1:7710)")
        .WithShown(i18n::Format("--bind: '{0}' is not HOST:PORT (127.0.0.1:7710)", {bind}));
  }
  return std::pair<std::string, int>(bind.substr(0, colon), std::stoi(port_text));
}

}  // namespace outpost::hub::cli
