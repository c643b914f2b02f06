// Every message the sources mark for translation (i18n::Tr("..."),
// i18n::Format("...", ...)) has its zh-CN translation in the catalog
// sync/i18n/zh_CN/*.po, with the same {N} placeholders. A message added in
// English only fails here, naming its file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "sync/i18n/messages.h"

namespace outpost::i18n {
namespace {

struct Marked {
  std::string file;
  int line = 0;
  std::string english;
};

// The C++ string literal starting at `at` (its opening quote), escapes undone;
// `at` moves past it.
std::string ReadLiteral(const std::string& text, size_t& at) {
  std::string out;
  for (++at; at < text.size() && text[at] != '"'; ++at) {
    if (text[at] == '\\' && at + 1 < text.size()) {
      const char escaped = text[++at];
      out += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
    } else {
      out += text[at];
    }
  }
  ++at;
  return out;
}

// A file's whole text.
std::string TextOf(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The program sources (.cc, .h; tests left out) under a top-level directory.
std::vector<std::filesystem::path> SourcesIn(const std::string& dir) {
  std::vector<std::filesystem::path> sources;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::filesystem::path(OUTPOST_SOURCE_DIR) / dir)) {
    const auto ext = entry.path().extension();
    if (ext != ".cc" && ext != ".h") continue;
    if (entry.path().filename().string().find("_test") != std::string::npos) continue;
    sources.push_back(entry.path());
  }
  return sources;
}

// The messages marked in one source: the literal (adjacent literals joined)
// right after each `i18n::Tr(` or `i18n::Format(`.
std::vector<Marked> MarkedIn(const std::filesystem::path& path) {
  const std::string text = TextOf(path);
  std::vector<Marked> marked;
  static const std::regex kCall(R"(i18n::(Tr|Format)\(\s*")");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kCall);
       it != std::sregex_iterator(); ++it) {
    size_t at = static_cast<size_t>(it->position() + it->length() - 1);
    std::string english;
    while (at < text.size() && text[at] == '"') {
      english += ReadLiteral(text, at);
      while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    }
    const auto line = std::count(text.begin(), text.begin() + it->position(), '\n') + 1;
    marked.push_back({path.string(), static_cast<int>(line), english});
  }
  return marked;
}

std::set<std::string> Placeholders(std::string_view text) {
  std::set<std::string> found;
  static const std::regex kPlaceholder(R"(\{[0-9]+\})");
  const std::string s(text);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kPlaceholder);
       it != std::sregex_iterator(); ++it) {
    found.insert(it->str());
  }
  return found;
}

TEST(I18nCatalogTest, EveryMarkedMessageHasItsChineseWithTheSamePlaceholders) {
  std::vector<Marked> marked;
  for (const char* dir : {"edge", "hub", "sync", "tools"}) {
    for (const auto& source : SourcesIn(dir)) {
      for (auto& m : MarkedIn(source)) marked.push_back(std::move(m));
    }
  }
  // The sources this catalog began with: if the scan finds none, it is broken.
  ASSERT_GE(marked.size(), 10u);
  for (const auto& m : marked) {
    const std::string_view chinese = ChineseOf(m.english);
    EXPECT_FALSE(chinese.empty()) << m.file << ":" << m.line << ": no zh_CN translation of \""
                                  << m.english << "\" in sync/i18n/zh_CN/*.po";
    if (!chinese.empty()) {
      EXPECT_EQ(Placeholders(chinese), Placeholders(m.english))
          << m.file << ":" << m.line << ": the translation's placeholders differ";
    }
  }
}

// A refusal or error built in one source: Status::Refused(...) and its kin.
struct StatusCall {
  int line = 0;
  std::string argument;       // the text between the call's parentheses
  std::string statement;      // from the call to the end of its statement
  bool english_only = false;  // marked "// English only: <why>" on its line or the one above
};

// The text from `open` (an opening parenthesis) to its matching close, string
// and character literals skipped; `at` moves past the close.
std::string Parenthesised(const std::string& text, size_t& at) {
  const size_t start = ++at;
  for (int depth = 1; at < text.size(); ++at) {
    const char c = text[at];
    if (c == '"' || c == '\'') {
      for (++at; at < text.size() && text[at] != c; ++at) {
        if (text[at] == '\\') ++at;
      }
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return text.substr(start, at++ - start);
    }
  }
  return text.substr(start);
}

std::vector<StatusCall> StatusCallsIn(const std::filesystem::path& path) {
  const std::string text = TextOf(path);
  std::vector<StatusCall> calls;
  static const std::regex kFactory(
      R"(Status::(InvalidInput|NotFound|Refused|Conflict|Corruption|RetryLater|IoError)\()");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kFactory);
       it != std::sregex_iterator(); ++it) {
    StatusCall call;
    size_t at = static_cast<size_t>(it->position() + it->length() - 1);
    call.argument = Parenthesised(text, at);
    // The rest of the statement: chained calls (.WithShown, .WithField) up to ';'.
    size_t end = at;
    while (end < text.size() && text[end] != ';') {
      if (text[end] == '(') {
        Parenthesised(text, end);
      } else {
        ++end;
      }
    }
    call.statement = text.substr(at, end - at);
    call.line = static_cast<int>(std::count(text.begin(), text.begin() + it->position(), '\n') + 1);
    const size_t line_start = text.rfind('\n', it->position());
    const size_t above_start =
        line_start == std::string::npos || line_start == 0 ? 0 : text.rfind('\n', line_start - 1);
    const std::string around = text.substr(above_start == std::string::npos ? 0 : above_start,
                                           it->position() - above_start);
    call.english_only = around.find("// English only:") != std::string::npos;
    calls.push_back(std::move(call));
  }
  return calls;
}

// The argument when it is nothing but string literals (adjacent ones joined).
std::optional<std::string> FixedSentence(const std::string& argument) {
  std::string joined;
  size_t at = 0;
  bool any = false;
  while (at < argument.size()) {
    if (std::isspace(static_cast<unsigned char>(argument[at]))) {
      ++at;
    } else if (argument[at] == '"') {
      joined += ReadLiteral(argument, at);
      any = true;
    } else {
      return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  return joined;
}

class StatusMessagesTest : public ::testing::TestWithParam<std::string> {};

// Every refusal and error written in a directory reaches staff in their
// language: a fixed sentence through its catalog entry (Status::shown()), a
// composed one through WithShown(i18n::Format(...)) with the same parts. A
// message passed on from elsewhere (no literal of its own) is the source's to
// translate; one that never reaches a person says so: "// English only: why".
TEST_P(StatusMessagesTest, EveryRefusalAndErrorIsShownInChinese) {
  size_t checked = 0;
  for (const auto& source : SourcesIn(GetParam())) {
    for (const auto& call : StatusCallsIn(source)) {
      ++checked;
      if (call.english_only || call.statement.find("WithShown(") != std::string::npos) continue;
      if (call.argument.find('"') == std::string::npos) continue;  // passed on from elsewhere
      const std::string where = source.string() + ":" + std::to_string(call.line) + ": ";
      if (auto sentence = FixedSentence(call.argument)) {
        EXPECT_FALSE(ChineseOf(*sentence).empty())
            << where << "no zh_CN translation of \"" << *sentence << "\" in sync/i18n/zh_CN/*.po";
      } else {
        ADD_FAILURE() << where << "a composed message without WithShown(i18n::Format(...)): "
                      << call.argument;
      }
    }
  }
  EXPECT_GT(checked, 0u) << "the scan of " << GetParam() << " found no Status calls";
}

INSTANTIATE_TEST_SUITE_P(Sources, StatusMessagesTest,
                         ::testing::Values("edge", "hub", "sync", "tools"),
                         [](const auto& info) { return info.param; });

// The msgids of one .po file (continued lines joined).
std::vector<std::string> MsgidsIn(const std::filesystem::path& po) {
  std::ifstream in(po);
  std::vector<std::string> ids;
  std::string line;
  bool in_id = false;
  while (std::getline(in, line)) {
    if (line.starts_with("msgid \"")) {
      size_t at = line.find('"');
      ids.push_back(ReadLiteral(line, at));
      in_id = true;
    } else if (in_id && line.starts_with("\"")) {
      size_t at = 0;
      ids.back() += ReadLiteral(line, at);
    } else {
      in_id = false;
    }
  }
  return ids;
}

TEST(I18nCatalogTest, EachMessageIsTranslatedInOneCatalogOnly) {
  std::map<std::string, std::string> where;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(OUTPOST_SOURCE_DIR) / "sync" / "i18n" / "zh_CN")) {
    if (entry.path().extension() != ".po") continue;
    ++files;
    for (const auto& id : MsgidsIn(entry.path())) {
      if (id.empty()) continue;  // the header
      const auto [it, added] = where.emplace(id, entry.path().filename().string());
      EXPECT_TRUE(added) << "\"" << id << "\" is in " << it->second << " and "
                         << entry.path().filename().string();
    }
  }
  EXPECT_GE(files, 1u);
  EXPECT_FALSE(where.empty());
}

}  // namespace
}  // namespace outpost::i18n
