# Fails when a library includes a header of a library it must not depend on (the table in
# docs/ARCHITECTURE.md). Run as a test: cmake -DSOURCE_DIR=<repo> -P cmake/CheckLayering.cmake
#
# Each folder lists the libraries whose public headers (ipt/<lib>/...) it may include; its
# own are always allowed. A folder that does not exist yet (portal/) is skipped.
set(allowed_core "")
set(allowed_mail "core")
set(allowed_templates "core")
set(allowed_signing "core")
set(allowed_localpki "core")
set(allowed_pipeline "core;templates;signing;mail")
set(allowed_app "core;templates;signing;mail;pipeline;portal")
# The test PKI reaches the command only through the demo, behind IPT_BUILD_DEMO.
set(allowed_app_demo "app/src/cmd_demo.cpp;app/src/demo_signing.cpp;app/src/demo_signing.hpp")
# The signer portal serves the same services as app/, never the command or the test PKI.
set(allowed_portal "core;templates;signing;mail;pipeline")

set(libraries core mail templates signing localpki pipeline app portal)

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "CheckLayering: pass -DSOURCE_DIR=<repository>")
endif()

set(violations "")
foreach(lib IN LISTS libraries)
  if(NOT IS_DIRECTORY "${SOURCE_DIR}/${lib}")
    continue()
  endif()
  file(GLOB_RECURSE sources "${SOURCE_DIR}/${lib}/*.hpp" "${SOURCE_DIR}/${lib}/*.cpp" "${SOURCE_DIR}/${lib}/*.h"
       "${SOURCE_DIR}/${lib}/*.in")
  foreach(source IN LISTS sources)
    file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]ipt/[a-z_]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]ipt/([a-z_]+)/.*$" "\\1" used "${line}")
      if(used STREQUAL lib)
        continue()
      endif()
      list(FIND allowed_${lib} "${used}" found)
      file(RELATIVE_PATH where "${SOURCE_DIR}" "${source}")
      if(lib STREQUAL "app" AND used STREQUAL "localpki")
        list(FIND allowed_app_demo "${where}" found)
      endif()
      if(found EQUAL -1)
        string(STRIP "${line}" line)
        list(APPEND violations "${where}: ${lib}/ may not include ${used}/ (${line})")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "Layering broken (see docs/ARCHITECTURE.md):\n  ${text}")
endif()
message(STATUS "Layering respected: ${libraries}")
