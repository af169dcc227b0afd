// Checks scripts/wasm-run.mjs itself: arguments arrive intact, and a module
// that grows its memory by 256 MB and then calls WASI again exits cleanly
// (Node 20 crashed here now and then before the runner turned off fast API calls).
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 3 || std::strcmp(argv[1], "two words") != 0 || std::strcmp(argv[2], "x") != 0) {
    std::fprintf(stderr, "runner_check: wrong arguments (%d)\n", argc);
    return 2;
  }
  const auto old = __builtin_wasm_memory_grow(0, 4096);  // 4096 pages of 64 KiB
  if (old == static_cast<decltype(old)>(-1)) {
    std::fprintf(stderr, "runner_check: memory.grow failed\n");
    return 3;
  }
  auto* last = reinterpret_cast<volatile unsigned char*>((old + 4096) * 65536 - 1);
  *last = 42;
  for (int i = 0; i < 100; ++i) std::printf("after growth %d: %d\n", i, *last);
  return 0;
}
