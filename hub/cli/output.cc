#include "hub/cli/output.h"

#include <ostream>

namespace outpost::hub::cli {

int Fail(const Status& st, std::ostream& err) {
  err << "outpost-hub: " << st.ToString() << "\n";
  return ExitCodeFor(st);
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

}  // namespace outpost::hub::cli
