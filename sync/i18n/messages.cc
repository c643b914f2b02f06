#include "sync/i18n/messages.h"

#include <atomic>
#include <cstdlib>
#include <map>

namespace outpost::i18n {

extern const char kChineseCatalog[];

namespace {

// -1: not yet decided; otherwise a Language.
std::atomic<int> g_language{-1};

// A .po string's contents between its quotes, its escapes undone.
std::string Unquote(std::string_view quoted) {
  std::string out;
  const size_t first = quoted.find('"');
  const size_t last = quoted.rfind('"');
  if (first == std::string_view::npos || last <= first) return out;
  for (size_t i = first + 1; i < last; ++i) {
    if (quoted[i] != '\\' || i + 1 >= last) {
      out += quoted[i];
      continue;
    }
    const char escaped = quoted[++i];
    out += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
  }
  return out;
}

// msgid -> msgstr of a catalog msgfmt has checked: entries of `msgid "..."`
// and `msgstr "..."`, each possibly continued by lines of "...". Empty
// translations and the header (msgid "") are left out.
std::map<std::string, std::string, std::less<>> ParseCatalog(std::string_view po) {
  std::map<std::string, std::string, std::less<>> catalog;
  std::string id;
  std::string str;
  std::string* open = nullptr;
  auto flush = [&] {
    if (!id.empty() && !str.empty()) catalog.emplace(id, str);
    id.clear();
    str.clear();
    open = nullptr;
  };
  while (!po.empty()) {
    const size_t end = po.find('\n');
    const std::string_view line = po.substr(0, end);
    po = end == std::string_view::npos ? std::string_view() : po.substr(end + 1);
    if (line.starts_with("msgid ")) {
      flush();
      id = Unquote(line);
      open = &id;
    } else if (line.starts_with("msgstr ")) {
      str = Unquote(line);
      open = &str;
    } else if (line.starts_with("\"") && open != nullptr) {
      *open += Unquote(line);
    }
  }
  flush();
  return catalog;
}

const std::map<std::string, std::string, std::less<>>& Chinese() {
  static const auto* catalog =
      new std::map<std::string, std::string, std::less<>>(ParseCatalog(kChineseCatalog));
  return *catalog;
}

}  // namespace

Language LanguageFromEnvironment() {
  for (const char* name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start
    if (value == nullptr || *value == '\0') continue;
    return std::string_view(value).starts_with("zh") ? Language::kChineseSimplified
                                                     : Language::kEnglish;
  }
  return Language::kEnglish;
}

Language CurrentLanguage() {
  int language = g_language.load();
  if (language < 0) {
    language = static_cast<int>(LanguageFromEnvironment());
    g_language.store(language);
  }
  return static_cast<Language>(language);
}

void SetLanguage(Language language) { g_language.store(static_cast<int>(language)); }

std::string_view ChineseOf(std::string_view english) {
  const auto& catalog = Chinese();
  const auto found = catalog.find(english);
  return found == catalog.end() ? std::string_view() : std::string_view(found->second);
}

std::string Tr(std::string_view english) {
  if (CurrentLanguage() == Language::kChineseSimplified) {
    const std::string_view chinese = ChineseOf(english);
    if (!chinese.empty()) return std::string(chinese);
  }
  return std::string(english);
}

std::string Format(std::string_view english, std::initializer_list<std::string_view> args) {
  const std::string text = Tr(english);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close != std::string::npos && close > i + 1 && close - i <= 3) {
      const std::string_view digits(text.data() + i + 1, close - i - 1);
      size_t index = 0;
      bool number = true;
      for (char c : digits) {
        number = number && c >= '0' && c <= '9';
        index = index * 10 + static_cast<size_t>(c - '0');
      }
      if (number && index < args.size()) {
        out += *(args.begin() + static_cast<std::ptrdiff_t>(index));
        i = close;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace outpost::i18n
