# The browser test's axe-core, installed with npm into the build tree (PREFIX) at the pinned
# VERSION, unless that version is already there. Run by CTest as the fixture portal.axe_core:
#   cmake -DNPM=/usr/bin/npm -DPREFIX=<build>/tests/portal/node -DVERSION=4.10.3 -P install_axe_core.cmake
set(_package "${PREFIX}/node_modules/axe-core/package.json")
if(EXISTS "${_package}" AND EXISTS "${PREFIX}/node_modules/axe-core/axe.min.js")
  file(READ "${_package}" _json)
  string(JSON _installed GET "${_json}" version)
  if(_installed STREQUAL VERSION)
    message(STATUS "axe-core ${VERSION} déjà installé dans ${PREFIX}")
    return()
  endif()
endif()
if(NOT NPM)
  message(FATAL_ERROR "npm introuvable : le test du portail dans le navigateur prend axe-core dans le registre npm")
endif()
file(MAKE_DIRECTORY "${PREFIX}")
execute_process(COMMAND "${NPM}" install --prefix "${PREFIX}" --no-save --no-audit --no-fund "axe-core@${VERSION}"
                RESULT_VARIABLE _status)
if(NOT _status EQUAL 0 OR NOT EXISTS "${PREFIX}/node_modules/axe-core/axe.min.js")
  message(FATAL_ERROR "npm install axe-core@${VERSION} a échoué (${_status})")
endif()
message(STATUS "axe-core ${VERSION} installé dans ${PREFIX}")
