# cmake -P script for ctest: the guest built with PLATFORM_BUFFER_SILENT_ERRORS
# imports nothing (so jco needs no WASI adapter), and the same guest built
# without it imports WASI's stdio calls (so this check can see an import).
#   -DOBJDUMP=wasm-objdump -DSILENT=guest.wasm -DPRINTING=guest_printing.wasm
foreach(var OBJDUMP SILENT PRINTING)
  if(NOT ${var})
    message(FATAL_ERROR "check-imports.cmake needs -D${var}=...")
  endif()
endforeach()

function(imports_of module out)
  execute_process(COMMAND ${OBJDUMP} -x -j Import ${module}
                  RESULT_VARIABLE result OUTPUT_VARIABLE text ERROR_VARIABLE text)
  message("${OBJDUMP} -x -j Import ${module}:\n${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

imports_of(${SILENT} silent)
if(NOT silent MATCHES "Section not found: Import" OR silent MATCHES "<-")
  message(FATAL_ERROR "the silent guest imports something (see above): jco would need the WASI adapter")
endif()
imports_of(${PRINTING} printing)
if(NOT printing MATCHES "wasi_snapshot_preview1\\.fd_write")
  message(FATAL_ERROR "the printing guest does not import fd_write: this check cannot tell an import from none")
endif()
message("the silent guest imports nothing; the printing one imports WASI")
