# Optional parts of a configuration: pieces of the tests and examples that need
# something beyond a C++ compiler (the wasm32 toolchain, wabt, Node, Chromium, ...).
# Each part has a cache option PLATFORM_BUFFER_<PART> with three values:
#   AUTO (default)  built when what it needs is found; otherwise skipped, with one line saying why
#   ON              required: configuring fails, naming what is missing (the presets that test a part)
#   OFF             never built, and what it needs is not even looked for
# Usage, in the directory that builds the part:
#   platform_buffer_part(WABT_HOST "the host-exchange wabt host")
#   set(missing "")
#   if(PLATFORM_BUFFER_WABT_HOST_WANTED)        # AUTO or ON: look for what it needs
#     find_package(wabt CONFIG QUIET)
#     platform_buffer_part_needs(missing wabt_FOUND "no wabt library (Debian package wabt)")
#   endif()
#   platform_buffer_part_check(WABT_HOST "${missing}")
#   if(PLATFORM_BUFFER_WABT_HOST_ENABLED) ... endif()
# scripts/deps.sh says which packages each preset installs for the parts it turns ON.
include_guard(GLOBAL)

# Declares the option PLATFORM_BUFFER_<part> (AUTO, ON or OFF) and sets
# PLATFORM_BUFFER_<part>_WANTED in the caller's scope: true unless the part is OFF.
function(platform_buffer_part part description)
  set(PLATFORM_BUFFER_${part} AUTO CACHE STRING "${description}: AUTO (when found), ON (required) or OFF")
  set_property(CACHE PLATFORM_BUFFER_${part} PROPERTY STRINGS AUTO ON OFF)
  set_property(GLOBAL PROPERTY PLATFORM_BUFFER_${part}_DESCRIPTION "${description}")
  string(TOUPPER "${PLATFORM_BUFFER_${part}}" value)
  if(value STREQUAL "TRUE" OR value STREQUAL "YES" OR value STREQUAL "1")
    set(value ON)
  elseif(value STREQUAL "FALSE" OR value STREQUAL "NO" OR value STREQUAL "0")
    set(value OFF)
  endif()
  if(NOT value MATCHES "^(AUTO|ON|OFF)$")
    message(FATAL_ERROR "PLATFORM_BUFFER_${part} is '${PLATFORM_BUFFER_${part}}': it must be AUTO, ON or OFF")
  endif()
  set_property(GLOBAL PROPERTY PLATFORM_BUFFER_${part}_VALUE ${value})
  if(value STREQUAL "OFF")
    set(PLATFORM_BUFFER_${part}_WANTED FALSE PARENT_SCOPE)
  else()
    set(PLATFORM_BUFFER_${part}_WANTED TRUE PARENT_SCOPE)
  endif()
endfunction()

# Decides whether the part is built, from `missing`: a list of what it needs and is not
# there, each said to the user (empty: everything was found). Sets
# PLATFORM_BUFFER_<part>_ENABLED in the caller's scope. ON and something missing: a configure
# error; AUTO and something missing, or OFF: one status line naming the part and why it is skipped.
function(platform_buffer_part_check part missing)
  get_property(value GLOBAL PROPERTY PLATFORM_BUFFER_${part}_VALUE)
  get_property(description GLOBAL PROPERTY PLATFORM_BUFFER_${part}_DESCRIPTION)
  if(value STREQUAL "")
    message(FATAL_ERROR "platform_buffer_part_check(${part}): call platform_buffer_part(${part} ...) first")
  endif()
  list(JOIN missing "; " missing)
  set(enabled FALSE)
  if(value STREQUAL "OFF")
    message(STATUS "platform_buffer: skipping ${description}: PLATFORM_BUFFER_${part} is OFF")
  elseif(missing STREQUAL "")
    set(enabled TRUE)
  elseif(value STREQUAL "ON")
    message(FATAL_ERROR "platform_buffer: PLATFORM_BUFFER_${part} is ON, but ${description} cannot be built: "
                        "${missing}. Install it (bash scripts/deps.sh <preset> installs what a preset needs), "
                        "or configure with -DPLATFORM_BUFFER_${part}=AUTO or OFF.")
  else()
    message(STATUS "platform_buffer: skipping ${description}: ${missing}")
  endif()
  set(PLATFORM_BUFFER_${part}_ENABLED ${enabled} PARENT_SCOPE)
  # For other directories: get_property(... GLOBAL PROPERTY PLATFORM_BUFFER_<part>_ENABLED).
  set_property(GLOBAL PROPERTY PLATFORM_BUFFER_${part}_ENABLED ${enabled})
endfunction()

# Appends `what` (what is missing, said to the user) to the list <missing_var> when the
# variable <found_var> is false.
function(platform_buffer_part_needs missing_var found_var what)
  if(NOT ${found_var})
    set(list ${${missing_var}})
    list(APPEND list "${what}")
    set(${missing_var} "${list}" PARENT_SCOPE)
  endif()
endfunction()

# Appends `what` to the list <missing_var> when `file` does not exist (an npm package that
# `npm ci` puts in a node_modules, say).
function(platform_buffer_part_needs_file missing_var file what)
  if(NOT EXISTS "${file}")
    set(list ${${missing_var}})
    list(APPEND list "${what}")
    set(${missing_var} "${list}" PARENT_SCOPE)
  endif()
endfunction()

# Node.js for the tests that run JavaScript: the toolchain's WASI_NODE in a wasm32 build,
# else node (or nodejs) from PATH. Sets PLATFORM_BUFFER_NODE (the program, or
# PLATFORM_BUFFER_NODE-NOTFOUND) and PLATFORM_BUFFER_NODE_VERSION (e.g. 18.20.4, or empty)
# in the caller's scope. Node 18 (Debian bookworm's) is the oldest supported: an older one,
# or one that does not run, counts as not found.
function(platform_buffer_find_node)
  if(WASI AND WASI_NODE AND NOT WASI_NODE STREQUAL "node")
    set(PLATFORM_BUFFER_NODE "${WASI_NODE}" CACHE FILEPATH "Node.js, for the JavaScript tests")
  else()
    find_program(PLATFORM_BUFFER_NODE NAMES node nodejs NO_CMAKE_FIND_ROOT_PATH DOC "Node.js, for the JavaScript tests")
  endif()
  set(version "")
  if(PLATFORM_BUFFER_NODE)
    execute_process(COMMAND "${PLATFORM_BUFFER_NODE}" --version OUTPUT_VARIABLE out RESULT_VARIABLE rc
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(rc EQUAL 0 AND out MATCHES "^v([0-9]+\\.[0-9]+\\.[0-9]+)")
      set(version ${CMAKE_MATCH_1})
    endif()
  endif()
  set(PLATFORM_BUFFER_NODE_VERSION "${version}" PARENT_SCOPE)
  if(NOT version OR version VERSION_LESS 18)
    set(PLATFORM_BUFFER_NODE "PLATFORM_BUFFER_NODE-NOTFOUND" PARENT_SCOPE)
  else()
    set(PLATFORM_BUFFER_NODE "${PLATFORM_BUFFER_NODE}" PARENT_SCOPE)
  endif()
endfunction()

# Registers a ctest entry that needs at least Node <major>: on an older Node the entry
# still appears, and prints why it is skipped (ctest shows it as "Skipped", never passed).
#   platform_buffer_node_test(<name> <major> COMMAND ... [WORKING_DIRECTORY dir])
function(platform_buffer_node_test name major)
  if(PLATFORM_BUFFER_NODE_VERSION AND PLATFORM_BUFFER_NODE_VERSION VERSION_LESS major)
    add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} -E echo
      "skipped: ${name} needs Node.js ${major} or later (found ${PLATFORM_BUFFER_NODE_VERSION})")
    set_tests_properties(${name} PROPERTIES SKIP_REGULAR_EXPRESSION "^skipped: ")
    message(STATUS "platform_buffer: ${name} will be skipped: it needs Node.js ${major}+, found ${PLATFORM_BUFFER_NODE_VERSION}")
  else()
    add_test(NAME ${name} ${ARGN})
  endif()
endfunction()

# Whether the wasm32 toolchain of cmake/wasi-toolchain.cmake (a wasi-sdk under WASI_SDK_PREFIX,
# else Debian's clang-19, lld-19, wasi-libc and libc++ for wasm32) compiles and links a C++20
# program, for native builds that build wasm32 modules through ExternalProject. When it does
# not, appends why to the list <missing_var> (for platform_buffer_part_check) in the caller's
# scope. A working toolchain is remembered in the build tree; a missing one is looked for
# again at the next configure (about a second), so installing it is all it takes.
function(platform_buffer_check_wasm32_toolchain missing_var)
  set(prefix "${WASI_SDK_PREFIX}")
  if(NOT prefix AND DEFINED ENV{WASI_SDK_PREFIX})
    set(prefix "$ENV{WASI_SDK_PREFIX}")
  endif()
  if(prefix)
    set(compiler "${prefix}/bin/clang++")
    set(sysroot "${prefix}/share/wasi-sysroot")
    set(packages "the wasi-sdk in WASI_SDK_PREFIX=${prefix}")
  else()
    find_program(PLATFORM_BUFFER_WASM32_CXX clang++-19 NO_CMAKE_FIND_ROOT_PATH
                 DOC "clang++-19, the wasm32 compiler of cmake/wasi-toolchain.cmake without a wasi-sdk")
    set(compiler "${PLATFORM_BUFFER_WASM32_CXX}")
    set(sysroot /usr)
    string(CONCAT packages "Debian: clang-19 lld-19 wasi-libc libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 "
                           "libclang-rt-19-dev-wasm32, or set WASI_SDK_PREFIX")
  endif()
  set(key "${compiler}|${sysroot}")
  if(NOT PLATFORM_BUFFER_WASM32_TOOLCHAIN_WORKS OR NOT PLATFORM_BUFFER_WASM32_TOOLCHAIN_KEY STREQUAL key)
    set(works FALSE)
    set(why "no wasm32 C++ compiler (${packages})")
    if(compiler AND EXISTS "${compiler}")
      set(dir ${CMAKE_BINARY_DIR}/CMakeFiles/platform_buffer_wasm32_check)
      file(MAKE_DIRECTORY ${dir})
      file(WRITE ${dir}/check.cpp "#include <span>\n#include <vector>\nint main() { std::vector<int> v{1}; return std::span(v)[0] - 1; }\n")
      execute_process(COMMAND "${compiler}" --target=wasm32-wasi "--sysroot=${sysroot}" -std=c++20 -fno-exceptions
                              check.cpp -o check.wasm
                      WORKING_DIRECTORY ${dir} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
      if(rc EQUAL 0)
        set(works TRUE)
      else()
        string(REGEX MATCH "[^\n]*(error|not found|cannot find)[^\n]*" first "${out}")
        string(REPLACE ";" "," first "${first}")  # one list item
        set(why "the wasm32 toolchain cannot link a C++ program: ${first} (${packages})")
      endif()
    endif()
    set(PLATFORM_BUFFER_WASM32_TOOLCHAIN_WORKS ${works} CACHE INTERNAL "")
    set(PLATFORM_BUFFER_WASM32_TOOLCHAIN_WHY "${why}" CACHE INTERNAL "")
    set(PLATFORM_BUFFER_WASM32_TOOLCHAIN_KEY "${key}" CACHE INTERNAL "")
  endif()
  platform_buffer_part_needs(${missing_var} PLATFORM_BUFFER_WASM32_TOOLCHAIN_WORKS "${PLATFORM_BUFFER_WASM32_TOOLCHAIN_WHY}")
  set(${missing_var} "${${missing_var}}" PARENT_SCOPE)
endfunction()

# The part NODE_TESTS: the tests written in JavaScript, run by Node.js (node --test).
# Declares and decides it once per configuration; sets PLATFORM_BUFFER_NODE_TESTS_ENABLED,
# PLATFORM_BUFFER_NODE, PLATFORM_BUFFER_NODE_VERSION and PLATFORM_BUFFER_NODE_FLAGS (the
# flags every Node test runs with: the one that turns node:wasi on where a Node release still
# hides it; 18.20 and 20 accept it unneeded) in the caller's scope.
function(platform_buffer_node_tests_part)
  get_property(decided GLOBAL PROPERTY PLATFORM_BUFFER_NODE_TESTS_DECIDED)
  if(NOT decided)
    platform_buffer_part(NODE_TESTS "the JavaScript tests (Node.js)")
    set(missing "")
    if(PLATFORM_BUFFER_NODE_TESTS_WANTED)
      platform_buffer_find_node()
      platform_buffer_part_needs(missing PLATFORM_BUFFER_NODE "no Node.js 18 or later (Debian package nodejs)")
    endif()
    platform_buffer_part_check(NODE_TESTS "${missing}")
    set_property(GLOBAL PROPERTY PLATFORM_BUFFER_NODE_TESTS_DECIDED TRUE)
    set_property(GLOBAL PROPERTY PLATFORM_BUFFER_NODE_TESTS_ENABLED ${PLATFORM_BUFFER_NODE_TESTS_ENABLED})
    set_property(GLOBAL PROPERTY PLATFORM_BUFFER_NODE_PROGRAM "${PLATFORM_BUFFER_NODE}")
    set_property(GLOBAL PROPERTY PLATFORM_BUFFER_NODE_VERSION "${PLATFORM_BUFFER_NODE_VERSION}")
  endif()
  get_property(enabled GLOBAL PROPERTY PLATFORM_BUFFER_NODE_TESTS_ENABLED)
  get_property(program GLOBAL PROPERTY PLATFORM_BUFFER_NODE_PROGRAM)
  get_property(version GLOBAL PROPERTY PLATFORM_BUFFER_NODE_VERSION)
  set(PLATFORM_BUFFER_NODE_TESTS_ENABLED ${enabled} PARENT_SCOPE)
  set(PLATFORM_BUFFER_NODE "${program}" PARENT_SCOPE)
  set(PLATFORM_BUFFER_NODE_VERSION "${version}" PARENT_SCOPE)
  set(PLATFORM_BUFFER_NODE_FLAGS --no-warnings --experimental-wasi-unstable-preview1 PARENT_SCOPE)
endfunction()
