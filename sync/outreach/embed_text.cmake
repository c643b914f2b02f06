# Writes OUT, a C++ file defining `const char* outpost::outreach::FUNCTION()`
# that returns the text of IN as it was at build time. Run at build time by
# sync/CMakeLists.txt, so editing IN rebuilds the library.
file(READ ${IN} text)
if(text MATCHES "\\)outpost_text\"")
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )outpost_text\"")
endif()
file(WRITE ${OUT}.tmp "// Generated from ${IN} by embed_text.cmake; do not edit.\n"
  "namespace outpost::outreach {\n\n"
  "const char* ${FUNCTION}() {\n  return R\"outpost_text(${text})outpost_text\";\n}\n\n"
  "}  // namespace outpost::outreach\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
