# Runs one fuzzer for a bounded time over a scratch copy of its seed corpus.
# Usage: cmake -DFUZZER=<exe> -DCORPUS=<seed dir> -DSCRATCH=<dir> -DSECONDS=<n> -P run_fuzzer.cmake
foreach(var FUZZER CORPUS SCRATCH SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${SCRATCH}")
file(MAKE_DIRECTORY "${SCRATCH}/corpus" "${SCRATCH}/artifacts")
file(GLOB seeds "${CORPUS}/*")
if(seeds)
  file(COPY ${seeds} DESTINATION "${SCRATCH}/corpus")
endif()

# -jobs is not used: one process, so ctest's own parallelism stays the only one.
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
          "-artifact_prefix=${SCRATCH}/artifacts/" "${SCRATCH}/corpus"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(GLOB artifacts "${SCRATCH}/artifacts/*")
  message(FATAL_ERROR "${FUZZER} failed (${result}); reproducer(s): ${artifacts}\n"
                      "Replay one with: ${FUZZER} <file>   (FUZZ_TRACE=1 prints the calls)")
endif()
