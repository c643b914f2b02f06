#include "hub/cli/output.h"

#include <fstream>
#include <iterator>
#include <ostream>

namespace outpost::hub::cli {

int Fail(const Status& st, std::ostream& err) {
  err << "outpost-hub: " << st.ToString() << "\n";
  return ExitCodeFor(st);
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot be read");
  return std::string(std::istreambuf_iterator<char>(in), {});
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
