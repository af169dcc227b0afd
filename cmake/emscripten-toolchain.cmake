# CMake toolchain file for Emscripten, with programs that run under Node:
#   cmake -S . -B build/emscripten --toolchain cmake/emscripten-toolchain.cmake   (or: cmake --preset emscripten)
# It finds Emscripten (EMSDK, then EMSCRIPTEN, then em-config on PATH: Debian's
# emscripten package puts it in /usr/bin), includes Emscripten's own toolchain
# file (em++, emar, the sysroot, node as CMAKE_CROSSCOMPILING_EMULATOR), and
# adds what running the programs under Node needs. The library itself needs
# none of this: a project targeting browsers uses Emscripten's toolchain file
# (or emcmake) directly; see README.md, "Emscripten".

if(NOT EMSCRIPTEN_ROOT_PATH)
  if(DEFINED ENV{EMSDK} AND EXISTS "$ENV{EMSDK}/upstream/emscripten/cmake/Modules/Platform/Emscripten.cmake")
    set(EMSCRIPTEN_ROOT_PATH "$ENV{EMSDK}/upstream/emscripten")
  elseif(DEFINED ENV{EMSCRIPTEN} AND EXISTS "$ENV{EMSCRIPTEN}/cmake/Modules/Platform/Emscripten.cmake")
    set(EMSCRIPTEN_ROOT_PATH "$ENV{EMSCRIPTEN}")
  else()
    find_program(PLATFORM_BUFFER_EM_CONFIG em-config)
    if(PLATFORM_BUFFER_EM_CONFIG)
      execute_process(COMMAND ${PLATFORM_BUFFER_EM_CONFIG} EMSCRIPTEN_ROOT
                      OUTPUT_VARIABLE EMSCRIPTEN_ROOT_PATH OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    endif()
  endif()
endif()
set(emscripten_toolchain "${EMSCRIPTEN_ROOT_PATH}/cmake/Modules/Platform/Emscripten.cmake")
if(NOT EMSCRIPTEN_ROOT_PATH OR NOT EXISTS "${emscripten_toolchain}")
  message(FATAL_ERROR "Emscripten not found: install it (Debian: apt-get install emscripten; or emsdk and "
                      "'source emsdk_env.sh'), or pass -DEMSCRIPTEN_ROOT_PATH=<the directory holding emcc>")
endif()
# try_compile projects re-read this file: hand them the same choice.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EMSCRIPTEN_ROOT_PATH)
include("${emscripten_toolchain}")

# Emscripten's toolchain file finds packages only in its sysroot: the prefixes named
# in CMAKE_PREFIX_PATH become find roots too, so a header-only package installed by
# a native build (platform_buffer's config is architecture-independent) is found
# with -DCMAKE_PREFIX_PATH=<its prefix>.
list(APPEND CMAKE_FIND_ROOT_PATH ${CMAKE_PREFIX_PATH})

# Debian's emscripten runs its JavaScript tools (acorn-optimizer, at -O1 and up)
# with the node on PATH and expects Debian's nodejs, which finds the acorn of
# node-acorn in /usr/share/nodejs. A Node from elsewhere (e.g. NodeSource's
# Node 20) does not look there: link through `env NODE_PATH=...` then.
if(NOT DEFINED CMAKE_CXX_LINKER_LAUNCHER AND NOT DEFINED ENV{NODE_PATH} AND EXISTS /usr/share/nodejs/acorn)
  find_program(PLATFORM_BUFFER_EM_NODE NAMES node nodejs)
  if(PLATFORM_BUFFER_EM_NODE)
    execute_process(COMMAND ${PLATFORM_BUFFER_EM_NODE} -e "require('acorn')"
                    RESULT_VARIABLE acorn_missing OUTPUT_QUIET ERROR_QUIET)
    if(acorn_missing)
      set(CMAKE_C_LINKER_LAUNCHER ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)
      set(CMAKE_CXX_LINKER_LAUNCHER ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)
    endif()
  endif()
endif()

# Programs run under Node (ctest runs them with the node found above):
#  - ENVIRONMENT=node: no browser code; WASM_ASYNC_COMPILATION=0: the module is
#    compiled synchronously from the file (Emscripten 3.1.6's asynchronous path
#    tries fetch() on a file path, which fails on Node 18 and 20);
#  - ALLOW_MEMORY_GROWTH=1: LinearBuffers and malloc grow memory on demand, as
#    on every other target (Emscripten's own default is a fixed 16 MB).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-sENVIRONMENT=node -sWASM_ASYNC_COMPILATION=0 -sALLOW_MEMORY_GROWTH=1")
