# cmake -P script run by ctest: builds and runs the consumer project.
#   MODE=install:      install platform_buffer from BINARY_DIR into a temp prefix, then find_package
#   MODE=subdirectory: add_subdirectory(SOURCE_DIR)
#   MODE=fetchcontent: FetchContent_Declare(... SOURCE_DIR SOURCE_DIR) + FetchContent_MakeAvailable
# Cross builds also pass TOOLCHAIN_FILE, EMULATOR (its arguments joined by "|"),
# EXECUTABLE_SUFFIX and WASI_SDK_PREFIX (maybe empty): the consumer is configured
# with the same toolchain and run through the emulator.
foreach(var MODE SOURCE_DIR BINARY_DIR WORK_DIR CXX_COMPILER GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_consumer.cmake needs -D${var}=...")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}\n${out}")
  endif()
  message("${out}")
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
if(TOOLCHAIN_FILE)
  set(configure_args -G ${GENERATOR} --toolchain ${TOOLCHAIN_FILE} "-DWASI_SDK_PREFIX=${WASI_SDK_PREFIX}")
  string(REPLACE "|" ";" emulator "${EMULATOR}")
else()
  set(configure_args -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
  set(emulator)
endif()
if(MODE STREQUAL "install")
  run(${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${WORK_DIR}/prefix)
  list(APPEND configure_args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
elseif(MODE STREQUAL "subdirectory")
  list(APPEND configure_args -DPLATFORM_BUFFER_SOURCE_DIR=${SOURCE_DIR})
elseif(MODE STREQUAL "fetchcontent")
  list(APPEND configure_args -DPLATFORM_BUFFER_FETCH_DIR=${SOURCE_DIR})
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
run(${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/project -B ${WORK_DIR}/build ${configure_args})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${emulator} ${WORK_DIR}/build/consumer${EXECUTABLE_SUFFIX})
