# Writes OUT, a C++ file defining FUNCTION() over the SQL files in DIR
# (named NNNN_name.sql), in version order. Run at build time by schema/CMakeLists.txt.
file(GLOB sql_files "${DIR}/*.sql")
list(SORT sql_files)
set(body "")
set(entries "")
foreach(f ${sql_files})
  get_filename_component(stem ${f} NAME_WE)
  string(REGEX MATCH "^([0-9]+)_(.*)$" _ ${stem})
  set(version ${CMAKE_MATCH_1})
  set(name ${CMAKE_MATCH_2})
  math(EXPR version_int "${version}")
  file(READ ${f} sql)
  string(APPEND body "constexpr char kSql${version}[] = R\"outpost_sql(${sql})outpost_sql\";\n")
  string(APPEND entries "    {${version_int}, \"${name}\", kSql${version}},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from ${DIR} by embed_migrations.cmake; do not edit.\n"
  "#include \"schema/migrations.h\"\n\nnamespace outpost::schema {\nnamespace {\n${body}\n"
  "constexpr SqlMigration kMigrations[] = {\n${entries}};\n}  // namespace\n\n"
  "std::span<const SqlMigration> ${FUNCTION}() { return kMigrations; }\n\n"
  "}  // namespace outpost::schema\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
