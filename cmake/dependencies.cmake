# Finds the Debian-packaged stack and exposes each piece as an imported target
# (m365::caf, m365::lmdb, m365::re2, ...). CAF and LMDB ship no CMake config.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS json url)
find_package(OpenSSL 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(simdjson REQUIRED)
find_package(benchmark REQUIRED)
find_package(Catch2 2 REQUIRED)

find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
add_library(m365::caf INTERFACE IMPORTED)
target_include_directories(m365::caf INTERFACE ${CAF_INCLUDE_DIR})
target_link_libraries(m365::caf INTERFACE ${CAF_CORE_LIBRARY} ${CAF_IO_LIBRARY} Threads::Threads)

find_library(LMDB_LIBRARY lmdb REQUIRED)
find_path(LMDB_INCLUDE_DIR lmdb.h REQUIRED)
add_library(m365::lmdb INTERFACE IMPORTED)
target_include_directories(m365::lmdb INTERFACE ${LMDB_INCLUDE_DIR})
target_link_libraries(m365::lmdb INTERFACE ${LMDB_LIBRARY})

pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
add_library(m365::re2 ALIAS PkgConfig::RE2)
