# Every dependency is a Debian package (see docs/dependencies.md for why each was chosen).
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # adds the CPPHTTPLIB_*_SUPPORT defines the .so was built with
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)  # the QR code on the intake receipt
find_package(nlohmann_json 3.10 REQUIRED)
# RapidJSON 1.1 (header-only) ships a config without an imported target.
find_package(RapidJSON 1.1 REQUIRED)
add_library(RapidJSON INTERFACE)
target_include_directories(RapidJSON INTERFACE ${RAPIDJSON_INCLUDE_DIRS})
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(pugixml REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)
if(FAZHI_TESTS)
  find_package(GTest REQUIRED)
endif()
if(FAZHI_BENCH)
  find_package(benchmark REQUIRED)
endif()

# SOCI 4.0.3 ships neither pkg-config nor a CMake config (STACK.md §2).
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE soci_core REQUIRED)
find_library(SOCI_SQLITE3 soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL soci_postgresql REQUIRED)
add_library(fazhi_soci INTERFACE)
target_include_directories(fazhi_soci INTERFACE ${SOCI_INCLUDE_DIR} ${PQ_INCLUDE_DIRS})
target_link_libraries(fazhi_soci INTERFACE ${SOCI_CORE} ${SOCI_SQLITE3} ${SOCI_POSTGRESQL} PkgConfig::PQ
                      PkgConfig::SQLITE3 ${CMAKE_DL_LIBS} Threads::Threads)
