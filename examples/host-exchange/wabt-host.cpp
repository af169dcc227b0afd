// A native C++ host embedding the host-exchange guest with wabt's interpreter
// (libwabt, Debian package wabt): the same calling convention as the Node
// host, through the runtime's memory API. Usage: wabt-host guest.wasm
//
// Checks the example functions, every bad-input code, and that 100,000 round
// trips leave the guest's memory (pages and allocator stats) as it was after
// the first thousand. Exits 1 if any check fails.
#include <wabt/binary-reader.h>
#include <wabt/error-formatter.h>
#include <wabt/feature.h>
#include <wabt/interp/binary-reader-interp.h>
#include <wabt/interp/interp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace wabt::interp;
using wabt::Failed;

// ---- checks --------------------------------------------------------------------
int failures = 0;
int checks = 0;

void check(bool ok, const std::string& what, int line) {
  ++checks;
  if (ok) return;
  ++failures;
  std::fprintf(stderr, "wabt-host.cpp:%d: check failed: %s\n", line, what.c_str());
}
template <class A, class B>
void checkEqual(const A& a, const B& b, const char* what, int line) {  // evaluates each side once
  if (a == b) return check(true, what, line);
  check(false, std::string(what) + " (got " + std::to_string(a) + ", want " + std::to_string(b) + ")", line);
}
#define CHECK(cond) check((cond), #cond, __LINE__)
#define CHECK_EQ(a, b) checkEqual((a), (b), #a " == " #b, __LINE__)

// The status codes of docs/host-abi.md, and the guest's own codes.
enum : std::uint32_t { Ok = 0, UnknownOffset = 1, DoubleFree = 2, NotHostOwned = 3, TooLong = 4, OutOfMemory = 5 };
enum : std::uint32_t { MalformedText = 256, Truncated = 257, BadMagic = 258, UnknownType = 259, TooLarge = 260 };

struct Snapshot {
  std::uint64_t memoryBytes;
  std::uint32_t bytesInUse, liveBlocks, reservedBytes;
  bool operator==(const Snapshot& o) const {
    return memoryBytes == o.memoryBytes && bytesInUse == o.bytesInUse && liveBlocks == o.liveBlocks &&
           reservedBytes == o.reservedBytes;
  }
  std::string str() const {
    return "memory " + std::to_string(memoryBytes) + " bytes (" + std::to_string(memoryBytes / 65536) +
           " pages), allocator: " + std::to_string(bytesInUse) + " bytes in use, " + std::to_string(liveBlocks) +
           " live blocks, " + std::to_string(reservedBytes) + " reserved";
  }
};

// A result: the bytes, or the failure status.
struct Reply {
  std::uint32_t status = Ok;
  std::vector<std::uint8_t> bytes;
};

// One instance of the guest in its own store.
class Guest {
 public:
  explicit Guest(const std::vector<std::uint8_t>& wasm) : store_(features()), thread_(store_) {
    wabt::Errors errors;
    ModuleDesc desc;
    const wabt::ReadBinaryOptions options(features(), nullptr, false, true, true);
    if (Failed(ReadBinaryInterp("guest.wasm", wasm.data(), wasm.size(), options, &errors, &desc)))
      throw std::runtime_error("cannot read the module: " + wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary));
    Module::Ptr module = Module::New(store_, std::move(desc));

    RefVec imports;
    for (const ImportDesc& import : module->desc().imports) imports.push_back(importFor(import.type));
    Trap::Ptr trap;
    instance_ = Instance::Instantiate(store_, module.ref(), imports, &trap);
    if (!instance_) throw std::runtime_error("cannot instantiate: " + (trap ? trap->message() : std::string("?")));

    const auto& exports = module->desc().exports;
    for (std::size_t i = 0; i < exports.size(); ++i) {
      const Ref ref = instance_->exports()[i];
      if (exports[i].type.type->kind == wabt::ExternalKind::Func) funcs_[exports[i].type.name] = store_.UnsafeGet<Func>(ref);
      if (exports[i].type.name == "memory") memory_ = store_.UnsafeGet<Memory>(ref);
    }
    if (!memory_) throw std::runtime_error("the guest exports no memory");
    invoke("_initialize", {});  // a reactor: runs the static constructors once
  }

  // ---- the host side of the calling convention ----
  std::uint32_t alloc(std::uint32_t size) { return invoke("platform_buffer_alloc", {Value::Make(size)}).Get<u32>(); }
  std::uint32_t free(std::uint32_t offset) { return invoke("platform_buffer_free", {Value::Make(offset)}).Get<u32>(); }
  std::uint32_t call32(const char* name) { return invoke(name, {}).Get<u32>(); }

  // fn(offset, length) -> i64: (offset << 32) | length, or a status in the low half.
  std::uint64_t rawCall(const char* fn, std::uint32_t offset, std::uint32_t length) {
    return invoke(fn, {Value::Make(offset), Value::Make(length)}).Get<u64>();
  }

  // Copies `bytes` into a new guest block; returns its offset.
  std::uint32_t place(const std::vector<std::uint8_t>& bytes) {
    const std::uint32_t offset = alloc(static_cast<std::uint32_t>(std::max<std::size_t>(bytes.size(), 1)));
    if (offset == 0) throw std::runtime_error("alloc failed");
    if (!bytes.empty()) std::memcpy(at(offset, bytes.size()), bytes.data(), bytes.size());  // data() may be null
    return offset;
  }

  // Place, call, copy the result out, free it.
  Reply call(const char* fn, const std::vector<std::uint8_t>& bytes) {
    const std::uint32_t input = place(bytes);
    const std::uint64_t r = rawCall(fn, input, static_cast<std::uint32_t>(bytes.size()));
    const auto offset = static_cast<std::uint32_t>(r >> 32), length = static_cast<std::uint32_t>(r);
    if (offset == 0) {
      // Codes 1-4 refused the input: it is still ours. Otherwise the guest took it.
      if (length >= UnknownOffset && length <= TooLong) CHECK_EQ(free(input), Ok);
      return {length, {}};
    }
    const std::uint8_t* p = at(offset, length);
    Reply reply{Ok, std::vector<std::uint8_t>(p, p + length)};
    CHECK_EQ(free(offset), Ok);
    return reply;
  }

  // `length` bytes of guest memory at `offset`, checked against the memory's
  // current size (which a call may have grown, moving the data).
  std::uint8_t* at(std::uint64_t offset, std::uint64_t length) {
    if (offset + length > memory_->ByteSize()) throw std::runtime_error("a range past the guest's memory");
    return memory_->UnsafeData() + offset;
  }

  Snapshot snapshot() {
    return {memory_->ByteSize(), call32("platform_buffer_bytes_in_use"), call32("platform_buffer_live_blocks"),
            call32("platform_buffer_reserved_bytes")};
  }

 private:
  static wabt::Features features() { return wabt::Features{}; }

  Value invoke(const std::string& name, const Values& params) {
    const auto it = funcs_.find(name);
    if (it == funcs_.end()) throw std::runtime_error("the guest does not export " + name);
    Values results;
    Trap::Ptr trap;
    if (Failed(it->second->Call(thread_, params, results, &trap)))
      throw std::runtime_error(name + " trapped: " + (trap ? trap->message() : std::string("?")));
    return results.empty() ? Value::Make(u32{0}) : results[0];
  }

  // wabt has no WASI. The guest imports a few WASI functions only for its error
  // handler's message on stderr: fd_write writes there, proc_exit traps, and
  // anything else reports ENOSYS. Imports from any other module are refused.
  Ref importFor(const ImportType& type) {
    if (type.module != "wasi_snapshot_preview1" || type.type->kind != wabt::ExternalKind::Func)
      throw std::runtime_error("unexpected import " + type.module + "." + type.name);
    const FuncType& signature = *wabt::cast<FuncType>(type.type.get());
    const std::string name = type.name;
    HostFunc::Callback callback = [this, name](Thread&, const Values& params, Values& results, Trap::Ptr* trap) {
      if (name == "proc_exit") {
        *trap = Trap::New(store_, "proc_exit(" + std::to_string(params[0].Get<u32>()) + ")");
        return wabt::Result::Error;
      }
      std::uint32_t errno_ = 52;  // ENOSYS
      if (name == "fd_write") errno_ = fdWrite(params[1].Get<u32>(), params[2].Get<u32>(), params[3].Get<u32>());
      for (Value& r : results) r = Value::Make(errno_);
      return wabt::Result::Ok;
    };
    return HostFunc::New(store_, signature, callback).ref();
  }

  // fd_write(fd, iovs, iovs_len, nwritten): every descriptor goes to stderr.
  std::uint32_t fdWrite(std::uint32_t iovs, std::uint32_t count, std::uint32_t nwritten) {
    try {
      std::uint32_t total = 0;
      for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t iov[2];  // buf, buf_len (little-endian, as wasm memory is)
        std::memcpy(iov, at(iovs + 8ull * i, 8), 8);
        std::fwrite(at(iov[0], iov[1]), 1, iov[1], stderr);
        total += iov[1];
      }
      std::memcpy(at(nwritten, 4), &total, 4);
      return 0;
    } catch (const std::runtime_error&) {
      return 21;  // EFAULT
    }
  }

  Store store_;
  Thread thread_;  // reused by every call: a Thread per call would allocate its stacks each time
  Instance::Ptr instance_;
  Memory::Ptr memory_;
  std::map<std::string, Func::Ptr> funcs_;
};

// ---- inputs ----------------------------------------------------------------------
std::vector<std::uint8_t> bytesOf(std::string_view s) { return {s.begin(), s.end()}; }
std::string textOf(const std::vector<std::uint8_t>& b) { return {b.begin(), b.end()}; }

void putBE(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
std::uint64_t getBE(const std::vector<std::uint8_t>& in, std::size_t& at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | in.at(at++);
  return v;
}

void leb128(std::vector<std::uint8_t>& out, std::uint64_t n) {
  do {
    std::uint8_t b = n & 0x7F;
    n >>= 7;
    out.push_back(n ? b | 0x80 : b);
  } while (n);
}

// parse_record's input: "PBR1", count, then (tag, type, value) fields.
struct Field {
  std::uint8_t tag, type;
  std::int64_t integer;
  double real;
  std::string text;
  bool operator==(const Field& o) const {
    return tag == o.tag && type == o.type && integer == o.integer && real == o.real && text == o.text;
  }
};
Field integerField(std::uint8_t tag, std::uint8_t type, std::int64_t v) { return {tag, type, v, 0, {}}; }
Field realField(std::uint8_t tag, double v) { return {tag, 3, 0, v, {}}; }
Field textField(std::uint8_t tag, std::string v) { return {tag, 4, 0, 0, std::move(v)}; }

std::uint64_t bitsOf(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, 8);
  return u;
}
double doubleOf(std::uint64_t u) {
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

std::vector<std::uint8_t> record(const std::vector<Field>& fields) {
  std::vector<std::uint8_t> out;
  putBE(out, 0x50425231, 4);
  putBE(out, fields.size(), 2);
  for (const Field& f : fields) {
    out.push_back(f.tag);
    out.push_back(f.type);
    if (f.type == 1) putBE(out, static_cast<std::uint32_t>(f.integer), 4);
    else if (f.type == 2) putBE(out, static_cast<std::uint64_t>(f.integer), 8);
    else if (f.type == 3) putBE(out, bitsOf(f.real), 8);
    else {
      putBE(out, f.text.size(), 2);
      out.insert(out.end(), f.text.begin(), f.text.end());
    }
  }
  return out;
}

// parse_record's result: u32 count, then tag, type, value (i64 / f64 / u32 length + text).
std::vector<Field> fieldsOf(const std::vector<std::uint8_t>& in) {
  std::size_t at = 0;
  std::vector<Field> fields(getBE(in, at, 4));
  for (Field& f : fields) {
    f.tag = static_cast<std::uint8_t>(getBE(in, at, 1));
    f.type = static_cast<std::uint8_t>(getBE(in, at, 1));
    if (f.type == 3) {
      f.real = doubleOf(getBE(in, at, 8));
    } else if (f.type == 4) {
      const std::size_t n = getBE(in, at, 4);
      f.text.assign(in.begin() + static_cast<std::ptrdiff_t>(at), in.begin() + static_cast<std::ptrdiff_t>(at + n));
      at += n;
    } else {
      f.integer = static_cast<std::int64_t>(getBE(in, at, 8));
    }
  }
  CHECK_EQ(at, in.size());
  return fields;
}

// ---- the checks -------------------------------------------------------------------
void exampleFunctions(Guest& g) {
  CHECK(textOf(g.call("reverse_text", bytesOf("a\xC3\xB1" "b\xF0\x9F\x98\x80")).bytes) == "\xF0\x9F\x98\x80" "b\xC3\xB1" "a");
  const Reply empty = g.call("reverse_text", {});
  CHECK_EQ(empty.status, Ok);
  CHECK(empty.bytes.empty());
  for (std::string_view bad : {"\xC3", "a\xFF", "\xED\xA0\x80", "\xC0\xAF"}) CHECK_EQ(g.call("reverse_text", bytesOf(bad)).status, MalformedText);

  const std::vector<Field> fields = {integerField(1, 1, -7), integerField(2, 2, -(std::int64_t{1} << 40)), realField(3, 3.25),
                                     textField(4, "h\xC3\xA9llo")};
  const std::vector<std::uint8_t> input = record(fields);
  CHECK(fieldsOf(g.call("parse_record", input).bytes) == fields);
  CHECK_EQ(g.call("parse_record", {input.begin(), input.end() - 1}).status, Truncated);
  CHECK_EQ(g.call("parse_record", {1, 2, 3, 4, 0, 0}).status, BadMagic);
  std::vector<std::uint8_t> unknown = record({integerField(9, 1, 1)});
  unknown[7] = 77;
  CHECK_EQ(g.call("parse_record", unknown).status, UnknownType);

  std::vector<std::uint8_t> runs;
  leb128(runs, 300), runs.push_back('A'), leb128(runs, 1), runs.push_back('B');
  const Reply expanded = g.call("expand_runs", runs);
  CHECK_EQ(expanded.bytes.size(), 301u);
  CHECK(expanded.bytes.size() == 301 && expanded.bytes[0] == 'A' && expanded.bytes[299] == 'A' && expanded.bytes[300] == 'B');
  runs.clear();
  leb128(runs, std::uint64_t{1} << 27), runs.push_back(1);
  CHECK_EQ(g.call("expand_runs", runs).status, TooLarge);
}

void badInputs(Guest& g) {
  std::vector<std::uint8_t> pattern(64);
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<std::uint8_t>(i * 7 + 1);
  const std::uint32_t witness = g.place(pattern);  // an unrelated allocation that must survive
  CHECK_EQ(g.free(g.alloc(1)), Ok);  // a first round trip before the snapshot (it may set up the allocator's records)
  const Snapshot before = g.snapshot();

  for (std::uint32_t size : {0u, 0xFFFFFFFFu, 0xFFFFFFF0u, 0xFFFF0001u}) CHECK_EQ(g.alloc(size), 0u);
  for (std::uint32_t offset : {8u, witness + 16, witness + 1, 0xFFFFFFF0u}) CHECK_EQ(g.free(offset), UnknownOffset);
  CHECK_EQ(g.free(0), Ok);  // like free(NULL)
  const std::uint32_t banner = g.call32("banner_offset"), bannerLength = g.call32("banner_length");
  CHECK_EQ(g.free(banner), NotHostOwned);
  CHECK(std::string_view(reinterpret_cast<const char*>(g.at(banner, bannerLength)), bannerLength) == "host-exchange guest 1");

  const std::uint32_t input = g.place(bytesOf("abc"));
  CHECK_EQ(g.rawCall("reverse_text", input, 1u << 20), std::uint64_t{TooLong});      // past the block
  CHECK_EQ(g.rawCall("reverse_text", input, 0xFFFFFFFFu), std::uint64_t{TooLong});   // past memory
  CHECK_EQ(g.rawCall("reverse_text", 0xFFFFFFF0u, 4), std::uint64_t{UnknownOffset});
  CHECK_EQ(g.rawCall("parse_record", input + 16, 3), std::uint64_t{UnknownOffset});
  const std::uint32_t block = g.alloc(100);
  CHECK_EQ(g.free(block), Ok);
  CHECK_EQ(g.free(block), DoubleFree);
  CHECK_EQ(g.rawCall("expand_runs", block, 3), std::uint64_t{DoubleFree});
  CHECK_EQ(g.rawCall("reverse_text", banner, bannerLength), std::uint64_t{NotHostOwned});

  // The refused input is still the host's; a good call then takes it.
  const std::uint64_t r = g.rawCall("reverse_text", input, 3);
  CHECK(std::string_view(reinterpret_cast<const char*>(g.at(r >> 32, 3)), 3) == "cba");
  CHECK_EQ(g.free(static_cast<std::uint32_t>(r >> 32)), Ok);
  CHECK_EQ(g.free(input), DoubleFree);  // the guest took it and freed it

  CHECK(std::memcmp(g.at(witness, 64), pattern.data(), 64) == 0);
  CHECK(g.snapshot() == before);
  CHECK_EQ(g.free(witness), Ok);
}

// One call of the mix (the Node host runs the same one), sized by the random `n`.
void roundTrip(Guest& g, std::uint32_t i, std::uint32_t n, bool leak) {
  // Sizes vary per call; every size class of the mix occurs in the first thousand calls.
  const std::uint32_t size = i == 0 ? 65536 : n % (i % 100 == 0 ? 65537 : 2049);
  switch (i % 3) {
    case 0: {
      std::vector<std::uint8_t> input(size, static_cast<std::uint8_t>('a' + n % 26));
      if (size > 0) input[0] = 'A';
      const std::uint64_t r = g.rawCall("reverse_text", g.place(input), size);
      CHECK_EQ(static_cast<std::uint32_t>(r), size);
      if (size > 0) CHECK_EQ(*g.at((r >> 32) + size - 1, 1), 'A');
      if (!leak) CHECK_EQ(g.free(static_cast<std::uint32_t>(r >> 32)), Ok);
      break;
    }
    case 1: {
      const std::vector<Field> fields = {integerField(1, 1, static_cast<std::int32_t>(n)), textField(2, std::string(size % 300, 'x'))};
      CHECK(fieldsOf(g.call("parse_record", record(fields)).bytes) == fields);
      break;
    }
    default: {
      std::vector<std::uint8_t> runs;
      leb128(runs, std::uint64_t{size} * 4);  // the output is 4x what the host could guess from the input
      runs.push_back(7);
      CHECK_EQ(g.call("expand_runs", runs).bytes.size(), std::size_t{size} * 4);
    }
  }
}

struct RoundTrips {
  Snapshot afterThousand, atEnd;
};

RoundTrips runRoundTrips(Guest& g, std::uint32_t calls, bool leak) {
  std::uint32_t x = 0x9E3779B9;  // xorshift32, as in the Node host
  RoundTrips out{};
  for (std::uint32_t i = 0; i < calls; ++i) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    roundTrip(g, i, x, leak);
    if (i == 999) out.afterThousand = g.snapshot();
  }
  out.atEnd = g.snapshot();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s host_exchange_guest.wasm\n", argv[0]);
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  const std::vector<std::uint8_t> wasm{std::istreambuf_iterator<char>(file), {}};
  if (wasm.empty()) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  try {
    {
      Guest g(wasm);
      exampleFunctions(g);
    }
    {
      Guest g(wasm);  // fresh: offsets freed by earlier calls would read as double frees
      badInputs(g);
    }
    {
      Guest g(wasm);
      const Snapshot baseline = g.snapshot();
      const RoundTrips r = runRoundTrips(g, 100000, false);
      std::printf("wabt host: after 1000 calls: %s\nwabt host: after 100000 calls: %s\n", r.afterThousand.str().c_str(),
                  r.atEnd.str().c_str());
      CHECK(r.atEnd == r.afterThousand);
      CHECK_EQ(r.atEnd.liveBlocks, baseline.liveBlocks);
      CHECK_EQ(r.atEnd.bytesInUse, baseline.bytesInUse);
    }
    {
      // The same check must catch a host that forgets to free one kind of result.
      Guest g(wasm);
      const RoundTrips r = runRoundTrips(g, 3000, true);
      CHECK(!(r.atEnd == r.afterThousand));
      CHECK(r.atEnd.liveBlocks > r.afterThousand.liveBlocks);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wabt-host: %s\n", e.what());
    return 1;
  }
  std::printf("wabt host: %d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
