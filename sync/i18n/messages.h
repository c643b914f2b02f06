// The language staff read: English, or Simplified Chinese under a Chinese
// locale (LANGUAGE, LC_ALL, LC_MESSAGES or LANG starting with "zh").
//
// A message is written in English at its call site, Tr("..."), and that
// English is its key in the gettext catalog sync/i18n/zh_CN/*.po, which is
// checked by msgfmt at build time and compiled into the programs (so an
// installed or uninstalled program needs no locale files). A message the
// catalog lacks prints in English; tests/i18n_catalog_test.cc fails the build's
// tests when any Tr/Format literal in the sources has no translation.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace outpost::i18n {

enum class Language { kEnglish, kChineseSimplified };

// The language the environment asks for; English unless a locale variable
// (the first set of LANGUAGE, LC_ALL, LC_MESSAGES, LANG) starts with "zh".
Language LanguageFromEnvironment();

// The process's language: from the environment on first use, unless set.
Language CurrentLanguage();
void SetLanguage(Language language);

// `english` in the process's language.
std::string Tr(std::string_view english);

// `english` translated, then each {0}, {1}, ... replaced by its argument
// (a translation may reorder them). Arguments are not translated.
std::string Format(std::string_view english, std::initializer_list<std::string_view> args);

// The catalog's translation of `english`, or empty when it has none.
std::string_view ChineseOf(std::string_view english);

}  // namespace outpost::i18n
