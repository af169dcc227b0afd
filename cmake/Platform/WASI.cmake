# The WASI platform (WebAssembly System Interface, preview 1), which CMake 3.25
# does not ship. cmake/wasi-toolchain.cmake puts this directory on
# CMAKE_MODULE_PATH; CMake loads it when project() enables the languages.
set(WASI 1)
set(CMAKE_EXECUTABLE_SUFFIX ".wasm")
# wasm32-wasi links statically only.
set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS FALSE)

# The prefixes find_* searches, each re-rooted under CMAKE_FIND_ROOT_PATH / CMAKE_SYSROOT.
set(CMAKE_SYSTEM_PREFIX_PATH / /usr)

