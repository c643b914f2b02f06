# Writes OUT, a C++ file holding the gettext catalog PO as text
# (sync/i18n/messages.cc parses it once). Run at build time by sync/CMakeLists.txt
# after `msgfmt --check` has accepted the catalog.
file(READ ${PO} po)
file(WRITE ${OUT}.tmp "// Generated from ${PO} by embed_catalog.cmake; do not edit.\n"
  "namespace outpost::i18n {\nextern const char kChineseCatalog[];\n"
  "const char kChineseCatalog[] = R\"outpost_po(${po})outpost_po\";\n}  // namespace outpost::i18n\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
