# cmake -P script run by ctest for the wasm32 suite: passes only when the suite
# exits 0 AND prints Catch2's passing summary (every assertion passed, or the
# only failures are expected ones). Exit code alone could hide a run that never
# started; the summary alone could hide a crash of Node after it.
#   -DCOMMAND=<emulator, module and arguments, joined by "|">
if(NOT COMMAND)
  message(FATAL_ERROR "run_suite.cmake needs -DCOMMAND=...")
endif()
string(REPLACE "|" ";" command "${COMMAND}")
execute_process(COMMAND ${command} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the suite exited with ${result}")
endif()
if(NOT out MATCHES "All tests passed \\([0-9]+ assertions? in [0-9]+ test cases?\\)"
   AND NOT out MATCHES "assertions: +[0-9]+ \\| +[0-9]+ passed \\| +[0-9]+ failed as expected\n")
  message(FATAL_ERROR "no passing Catch2 summary in the output")
endif()
