# Writes OUT, a C++ file holding the gettext catalogs DIR/*.po (one per part
# of the programs: cli, common, edge, hub) as one text that
# sync/i18n/messages.cc parses once. Run at build time by sync/CMakeLists.txt
# after `msgfmt --check` has accepted each catalog.
file(GLOB po_files "${DIR}/*.po")
list(SORT po_files)
set(po "")
foreach(f ${po_files})
  file(READ ${f} text)
  string(APPEND po "${text}\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from ${DIR}/*.po by embed_catalog.cmake; do not edit.\n"
  "namespace outpost::i18n {\nextern const char kChineseCatalog[];\n"
  "const char kChineseCatalog[] = R\"outpost_po(${po})outpost_po\";\n}  // namespace outpost::i18n\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
