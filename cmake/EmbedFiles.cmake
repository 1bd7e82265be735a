# ipt_embed_files(TARGET target NAMESPACE ns FUNCTION fn FILES f1 f2 ...)
#
# Generates a C++ source defining
#   std::span<const ipt::EmbeddedFile> ns::fn();
# that returns the listed files' names (without directory) and contents, so that data
# shipped with the project (the school calendars, the annex definitions) is inside the
# binary and `ipt` runs from any directory. The file is regenerated when an input changes.
function(ipt_embed_files)
  cmake_parse_arguments(ARG "" "TARGET;NAMESPACE;FUNCTION" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${ARG_FUNCTION}_embedded.cpp")
  set(abs_files "")
  foreach(f IN LISTS ARG_FILES)
    get_filename_component(abs "${f}" ABSOLUTE)
    list(APPEND abs_files "${abs}")
  endforeach()
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${ARG_NAMESPACE}
            -DFUNCTION=${ARG_FUNCTION} "-DFILES=${abs_files}"
            -P "${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake"
    DEPENDS ${abs_files} "${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake"
    COMMENT "Embedding ${ARG_FUNCTION} data"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE "${out}")
endfunction()
