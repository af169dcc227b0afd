// cabi_realloc must trap on wasm32 when it cannot serve a request (the
// canonical ABI writes wherever realloc points and never checks for 0), after
// telling the error handler why; platform_buffer_alloc answers 0 instead.
// (Natively test_host_abi.cpp checks each refusal in a forked child.)
#include <platform_buffer/host_abi.hpp>

#include <cstdio>

int main() {
  std::printf("platform_buffer_alloc(4294967280) = %u\n", platform_buffer_alloc(0xFFFFFFF0u));
  std::printf("cabi_realloc(0, 0, 1, 0) = %u\n", cabi_realloc(0, 0, 1, 0));
  std::fflush(stdout);
  const std::uint32_t block = cabi_realloc(0, 0, 1, 0xFFFFFFF0u);  // must not return
  std::printf("cabi_realloc returned %u\n", block);
  return 0;
}
