# CMake toolchain file for wasm32-wasi (WASI preview 1):
#   cmake -S . -B build/wasm32 --toolchain cmake/wasi-toolchain.cmake   (or: cmake --preset wasm32)
# With WASI_SDK_PREFIX set (environment or -D), that wasi-sdk's clang, tools and
# sysroot are used. Otherwise Debian's packages stand in for wasi-sdk:
#   clang-19 lld-19 wasi-libc libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 libclang-rt-19-dev-wasm32
# Programs are .wasm command modules; ctest runs them under Node (scripts/wasm-run.mjs).

# CMake 3.25 has no WASI platform: ours is cmake/Platform/WASI.cmake.
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}")

set(CMAKE_SYSTEM_NAME WASI)
set(CMAKE_SYSTEM_VERSION 1)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(triple wasm32-wasi)

if(NOT WASI_SDK_PREFIX AND DEFINED ENV{WASI_SDK_PREFIX})
  set(WASI_SDK_PREFIX "$ENV{WASI_SDK_PREFIX}")
endif()
# try_compile projects re-read this file: hand them the same choice.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES WASI_SDK_PREFIX)

if(WASI_SDK_PREFIX)
  set(CMAKE_C_COMPILER "${WASI_SDK_PREFIX}/bin/clang")
  set(CMAKE_CXX_COMPILER "${WASI_SDK_PREFIX}/bin/clang++")
  set(CMAKE_AR "${WASI_SDK_PREFIX}/bin/llvm-ar" CACHE FILEPATH "wasi-sdk archiver")
  set(CMAKE_RANLIB "${WASI_SDK_PREFIX}/bin/llvm-ranlib" CACHE FILEPATH "wasi-sdk ranlib")
  set(CMAKE_SYSROOT "${WASI_SDK_PREFIX}/share/wasi-sysroot")
else()
  # Debian: headers in /usr/include/wasm32-wasi, libraries in /usr/lib/wasm32-wasi,
  # libc++ under /usr/lib/llvm-19; clang-19 finds them all from --sysroot=/usr.
  # (Archiver: CMake takes llvm-ar-19 when llvm-19 is installed, else binutils' ar;
  # wasm-ld links archives from either.)
  set(CMAKE_C_COMPILER clang-19)
  set(CMAKE_CXX_COMPILER clang++-19)
  set(CMAKE_SYSROOT /usr)
  # Search lib/wasm32-wasi and include/wasm32-wasi first (Debian's multiarch layout).
  set(CMAKE_LIBRARY_ARCHITECTURE wasm32-wasi)
  # The sysroot /usr also holds the host's packages and headers. clang-19 searches
  # /usr/include last for wasm32 (after /usr/include/wasm32-wasi), so CMake counts
  # it as implicit and never writes -I/-isystem /usr/include, even for a host
  # package's target; nothing here adds it.
endif()
set(CMAKE_C_COMPILER_TARGET ${triple})
set(CMAKE_CXX_COMPILER_TARGET ${triple})

# Debian's libc++abi for wasm32 has no exception support (-fwasm-exceptions does
# not link), so C++ code is built without exceptions; platform_buffer then
# reports errors through its error handler. A CMAKE_CXX_FLAGS given on the
# command line or in a preset replaces this default: it must say -fno-exceptions too.
set(CMAKE_CXX_FLAGS_INIT "-fno-exceptions")

# clang runs binaryen's wasm-opt after linking at -O1 and up whenever it finds one on PATH
# (Debian's binaryen, which emscripten pulls in, puts one there). wasm-opt rewrites the
# module: it merges functions with identical code, drops the name section (traps and
# profiles lose function names) and changes the code that benchmarks measure. So that a
# build is the same whatever is installed, clang finds a do-nothing wasm-opt first (-B
# puts no-wasm-opt/ ahead of PATH in its program search). (--no-wasm-opt would say this,
# but clang 19 then skips the link itself and reports success without an output file.)
# To optimise with binaryen, run wasm-opt on the linked module yourself.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-B${CMAKE_CURRENT_LIST_DIR}/no-wasm-opt")

# Finding things while cross compiling: programs (node, wasm-objdump) come from
# the host; libraries, headers and packages only from the sysroot and from the
# prefixes named in CMAKE_PREFIX_PATH, which become find roots too. So a
# header-only package installed by a native build (platform_buffer's own config
# is architecture-independent) is found with -DCMAKE_PREFIX_PATH=<its prefix>,
# while the host's packages stay out: an architecture-independent one such as
# Catch2 would put /usr/include, glibc's headers, on the compile line. (With
# Debian's packages the sysroot is /usr itself, so host packages are visible;
# the implicit /usr/include above keeps their include directories harmless.)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
list(APPEND CMAKE_FIND_ROOT_PATH ${CMAKE_PREFIX_PATH})

# ctest runs the .wasm programs through Node's WASI (and so does any project
# that runs its own executables through CMAKE_CROSSCOMPILING_EMULATOR).
# --experimental-wasi-unstable-preview1 turns node:wasi on in older Node releases;
# Node 18.20 (bookworm's nodejs) and 20 accept it unneeded.
find_program(WASI_NODE NAMES node nodejs NO_CMAKE_FIND_ROOT_PATH)
if(NOT WASI_NODE)
  set(WASI_NODE node)  # not installed yet: fail when a test runs, not here
endif()
get_filename_component(WASI_RUNNER "${CMAKE_CURRENT_LIST_DIR}/../scripts/wasm-run.mjs" ABSOLUTE)
set(CMAKE_CROSSCOMPILING_EMULATOR "${WASI_NODE};--no-warnings;--experimental-wasi-unstable-preview1;${WASI_RUNNER}")
