// Allocator fuzzer: random allocate / release / configure sequences on a
// LinearMemoryAllocator with a small maximum, including host blocks
// (allocateHostBlock, freeHostBlock with valid and invalid offsets,
// adoptHostBlock with lengths around the capacity and 0, releaseToHost),
// views that keep blocks alive, memory grown by "someone else" between two
// growths of the region (so it is made of chunks), and injected failures of
// the allocator's bookkeeping allocations.
//
// The fuzzer keeps its own model of live blocks and checks after every step:
//   - live blocks are 16-byte aligned, non-zero, and never overlap;
//   - every live block still holds the tag byte it was filled with;
//   - stats agree: liveBuffers, bytesInUse (sum of block capacities), peak;
//   - new blocks are zeroed (unless allocated uninitialised);
//   - generations: every live block has a nonzero one, the same at every byte
//     of it, distinct from every other live block's; the release counter in
//     linear memory moved by exactly the number of blocks released;
//   - merging: an allocation fails only when no free range of the region (the
//     gaps between live blocks, within the chunks) holds it and the region
//     cannot grow enough; releasing then allocating the same size reuses memory;
//   - statuses: live host blocks Ok (TooLong past their capacity), buffer
//     blocks NotHostOwned, offsets inside live blocks and offsets never
//     released by the host UnknownOffset; offsets the host released (and not
//     handed out since) DoubleFree or, once merged into a free neighbour,
//     UnknownOffset; a zero length is accepted at any offset;
//   - every refused call, and every allocation whose bookkeeping failed,
//     changes nothing (stats and every block, through the test probe);
//   - the allocator's own invariants (detail::AllocatorProbe::inconsistency).
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "../allocator_probe.hpp"
#include "fuzz_common.hpp"

using namespace fuzz;
using platform_buffer::detail::AllocatorProbe;
using platform_buffer::detail::InjectedBookkeepingFailure;
using platform_buffer::detail::SizeClasses;
using host::Status;

namespace {

constexpr std::size_t MB = 1024 * 1024;
constexpr std::uint64_t kPage = LinearMemoryAllocator::kPageSize;

struct Block {
  std::size_t size = 0;      // bytes asked for (and covered by the tag)
  std::size_t capacity = 0;  // blockCapacity(): what the block really occupies
  std::uint8_t tag = 0;      // every byte of [0, size) holds this
  bool host = false;         // host-owned (else owned by buffers)
  std::uint32_t generation = 0;
};

// A LinearBuffer held by the fuzzer, and which block it keeps alive.
struct Handle {
  LinearBuffer buffer;
  std::uint32_t block = 0;
};

const char* statusName(Status s) {
  switch (s) {
    case Status::Ok: return "Ok";
    case Status::UnknownOffset: return "UnknownOffset";
    case Status::DoubleFree: return "DoubleFree";
    case Status::NotHostOwned: return "NotHostOwned";
    case Status::TooLong: return "TooLong";
    default: return "?";
  }
}

// The index of the first byte of p[0, n) that is not `value`, or n. Blocks
// reach megabytes and the fuzzer checks every live block after every step, so
// past 2 KiB this looks at both ends (where a neighbour would write) and at
// one byte in every 512. Left out of coverage instrumentation: it is the
// fuzzer's loop, not the library's, and instrumented it dominated the run time.
[[clang::no_sanitize("coverage")]] std::size_t firstWrongByte(const std::uint8_t* p, std::size_t n, std::uint8_t value) {
  if (n <= 2048) {
    for (std::size_t i = 0; i < n; ++i)
      if (p[i] != value) return i;
    return n;
  }
  for (std::size_t i = 0; i < 1024; ++i) {
    if (p[i] != value) return i;
    if (p[n - 1 - i] != value) return n - 1 - i;
  }
  for (std::size_t i = 1024; i < n - 1024; i += 512)
    if (p[i] != value) return i;
  return n;
}

struct Snapshot {
  LinearMemoryStats stats;
  std::vector<AllocatorProbe::Entry> blocks;
  static Snapshot of(const LinearMemoryAllocator& a) { return {a.stats(), AllocatorProbe::blocks(a)}; }
  bool sameStats(const Snapshot& o) const {
    return stats.reservedBytes == o.stats.reservedBytes && stats.bytesInUse == o.stats.bytesInUse &&
           stats.peakBytesInUse == o.stats.peakBytesInUse && stats.liveBuffers == o.stats.liveBuffers;
  }
};

class AllocatorFuzzer {
 public:
  explicit AllocatorFuzzer(Input& in) : in_(in) {
    initialMB_ = in.byte() % 3;       // 0..2 MB reserved at first
    maxMB_ = 1 + in.byte() % 4;       // 1..4 MB at most: exhaustion is easy to reach
    initialMB_ = std::min(initialMB_, maxMB_);
    allocator_ = std::make_unique<LinearMemoryAllocator>(initialMB_, maxMB_);
  }

  ~AllocatorFuzzer() {
    handles_.clear();  // buffers die before their allocator
  }

  void run() {
    for (int step = 0; step < 400 && !in_.empty(); ++step) {
      this->step();
      checkInvariants();
    }
    // Releasing everything returns every byte.
    handles_.clear();
    for (auto& [offset, block] : blocks_)
      if (block.host && allocator_->freeHostBlock(offset) != Status::Ok) mismatch("freeing a live host block failed");
    const auto stats = allocator_->stats();
    if (stats.bytesInUse != 0 || stats.liveBuffers != 0)
      mismatch("after releasing everything: %zu bytes in %zu blocks still in use", stats.bytesInUse, stats.liveBuffers);
    if (const char* wrong = AllocatorProbe::inconsistency(*allocator_)) mismatch("after releasing everything: %s", wrong);
  }

 private:
  std::size_t requestSize() {
    const std::uint8_t kind = in_.byte();
    if (kind < 0xA0) return in_.byte() % 200;                            // small: the exact classes and reuse
    if (kind < 0xE0) return static_cast<std::size_t>(in_.bits(3)) % (maxMB_ * MB + MB);  // up to past the maximum
    if (kind < 0xF0) return in_.bits(2);
    return SIZE_MAX - in_.byte();                                         // cannot exist
  }

  // An offset to hand to freeHostBlock / adoptHostBlock: live or freed blocks,
  // their interiors, foreign pages and random numbers.
  std::uint32_t someOffset() {
    const std::uint8_t kind = in_.byte();
    if (!blocks_.empty() && kind < 0x80) {
      auto it = blocks_.begin();
      std::advance(it, in_.byte() % blocks_.size());
      return kind < 0x70 ? it->first : it->first + static_cast<std::uint32_t>(in_.byte() % 64);
    }
    if (!freed_.empty() && kind < 0xC0) return freed_[in_.byte() % freed_.size()];
    if (!foreign_.empty() && kind < 0xC8) return static_cast<std::uint32_t>(foreign_[in_.byte() % foreign_.size()].first);
    if (kind < 0xE0) return static_cast<std::uint32_t>(in_.bits(4));
    return 0;
  }

  // The statuses the allocator may give for a host operation on `offset`.
  std::vector<Status> expectedStatuses(std::uint32_t offset, std::size_t length) const {
    const auto it = blocks_.find(offset);
    if (it != blocks_.end()) {
      if (!it->second.host) return {Status::NotHostOwned};
      return {length > it->second.capacity ? Status::TooLong : Status::Ok};
    }
    if (insideLiveBlock(offset)) return {Status::UnknownOffset};
    // Released by the host: a double free while the free block still starts
    // there; merged into a free neighbour below, it is inside a free block.
    if (hostReleased_.count(offset)) return {Status::DoubleFree, Status::UnknownOffset};
    return {Status::UnknownOffset};
  }

  bool insideLiveBlock(std::uint32_t offset) const {
    auto it = blocks_.upper_bound(offset);
    if (it == blocks_.begin()) return false;
    --it;
    return offset < std::uint64_t{it->first} + it->second.capacity;
  }

  std::size_t handlesOf(std::uint32_t block) const {
    return static_cast<std::size_t>(std::count_if(handles_.begin(), handles_.end(),
                                                  [&](const auto& h) { return h->block == block; }));
  }

  // A new block at `offset`: checks it is zeroed if asked, then tags it.
  void added(std::uint32_t offset, std::size_t size, bool host, bool zeroed) {
    if (offset == 0 || offset % 16 != 0) mismatch("new block at offset %u", offset);
    if (blocks_.count(offset)) mismatch("new block at offset %u, which is live", offset);
    Block block{size, allocator_->blockCapacity(offset), static_cast<std::uint8_t>(in_.byte() | 1), host,
                allocator_->blockGeneration(offset)};
    if (block.capacity != SizeClasses::bytes(SizeClasses::ceil(size)))
      mismatch("block of %zu bytes has capacity %zu", size, block.capacity);
    if (block.capacity < size || block.capacity % 16 != 0 || block.capacity > std::max<std::size_t>(128, size + size / 4 + 16))
      mismatch("block of %zu bytes has capacity %zu", size, block.capacity);
    if (block.generation == 0) mismatch("new block at %u has generation 0", offset);
    for (const auto& [other, b] : blocks_)
      if (b.generation == block.generation) mismatch("new block at %u has the generation of the block at %u", offset, other);
    std::uint8_t* p = allocator_->pointer(offset);
    // Host blocks expose their whole capacity; buffer blocks only what was asked.
    const std::size_t visible = host ? block.capacity : size;
    if (zeroed) {
      const std::size_t i = firstWrongByte(p, visible, 0);
      if (i != visible) mismatch("new block at %u is not zeroed (byte %zu is %u)", offset, i, p[i]);
    }
    std::memset(p, block.tag, size);
    blocks_[offset] = block;
    std::erase(freed_, offset);
    hostReleased_.erase(offset);  // handed out again: a new lifetime
  }

  void removed(std::uint32_t offset) {
    blocks_.erase(offset);
    freed_.push_back(offset);
    ++releases_;
#if defined(PBUF_ASAN)
    // A released block is poisoned, so a use after release is reported.
    if (!__asan_address_is_poisoned(allocator_->pointer(offset)))
      mismatch("released block at %u is not poisoned", offset);
#endif
  }

  // The largest free range of the region (within its chunks) that cached
  // blocks merged back would make, and whether the region can grow to serve
  // `bytes` (its tail extended, or a new chunk).
  bool mustServe(std::uint64_t bytes, const LinearMemoryStats& before) const {
    const std::uint64_t end = allocator_->memoryEnd();
    const bool first = before.reservedBytes == 0;
    if (!first) {
      // Chunk edges: the foreign ranges cut the simulated memory [64 KiB, end).
      std::uint64_t cursor = kPage + 64;  // the release counter takes the first cache line
      auto gapFits = [&](std::uint64_t from, std::uint64_t to) { return to > from && to - from >= bytes; };
      std::vector<std::pair<std::uint64_t, std::uint64_t>> cuts(foreign_.begin(), foreign_.end());
      std::sort(cuts.begin(), cuts.end());
      auto cut = cuts.begin();
      for (const auto& [offset, block] : blocks_) {
        while (cut != cuts.end() && cut->second <= offset) {
          if (gapFits(cursor, cut->first)) return true;
          cursor = std::max(cursor, cut->second);
          ++cut;
        }
        if (gapFits(cursor, offset)) return true;
        cursor = std::max<std::uint64_t>(cursor, offset + block.capacity);
      }
      for (; cut != cuts.end(); ++cut) {
        if (gapFits(cursor, cut->first)) return true;
        cursor = std::max(cursor, cut->second);
      }
      const std::uint64_t tail = end > cursor ? end - cursor : 0;  // free at the end of memory
      if (tail >= bytes) return true;
      const std::uint64_t need = bytes - tail;
      return growable(need, before, end);
    }
    return growable(bytes + 16, before, end);
  }
  bool growable(std::uint64_t need, const LinearMemoryStats& before, std::uint64_t end) const {
    const std::uint64_t pages = (need + kPage - 1) / kPage;
    const std::uint64_t reservation = maxMB_ * MB + kPage;  // the native region's address range
    const std::uint64_t memoryLeft = end == 0 ? maxMB_ * MB : reservation - end;
    return pages * kPage <= before.maxBytes - before.reservedBytes && pages * kPage <= memoryLeft;
  }

  // Allocation failed: only allowed when nothing can serve it, or its bookkeeping failed.
  void checkRefusal(std::size_t size, const Snapshot& before, bool injected) {
    const auto after = Snapshot::of(*allocator_);
    if (injected) {
      if (!after.sameStats(before) || after.blocks != before.blocks)
        mismatch("an allocation whose bookkeeping failed changed the allocator");
      return;
    }
    if (size <= before.stats.maxBytes && mustServe(SizeClasses::bytes(SizeClasses::ceil(size)), before.stats))
      mismatch("allocating %zu bytes failed although a free range or growth could serve it", size);
    if (!after.sameStats(before)) mismatch("a refused allocation changed the stats");
  }

  // Runs an allocation, sometimes with its bookkeeping failing from a chosen call on.
  template <class Fn>
  bool allocation(Fn fn) {
    const std::uint8_t inject = in_.byte();
    if (inject < 0xC0) return fn(), false;
    InjectedBookkeepingFailure failure(inject % 4);
    fn();
    return failure.injected();
  }

  void allocateBuffer(bool zero) {
    const std::size_t size = requestSize();
    const auto before = Snapshot::of(*allocator_);
    LinearBuffer buffer;
    Outcome o = Outcome::Ok;
    const bool injected = allocation([&] {
      o = attempt([&] {
        buffer = zero ? LinearBuffer::allocate(size, ByteOrder::BigEndian, *allocator_)
                      : LinearBuffer::allocateUninitialized(size, ByteOrder::BigEndian, *allocator_);
      });
    });
    trace("allocate%s(%zu)%s -> %s", zero ? "" : "Uninitialized", size, injected ? " (bookkeeping failed)" : "", outcomeName(o));
    if (o == Outcome::OutOfMemory) return checkRefusal(size, before, injected);
    if (o != Outcome::Ok) mismatch("LinearBuffer::allocate(%zu): %s", size, outcomeName(o));
    if (buffer.capacity() != size || buffer.position() != 0 || buffer.limit() != size)
      mismatch("LinearBuffer::allocate(%zu) has capacity %zu", size, buffer.capacity());
    const std::uint32_t offset = buffer.baseOffset();
    added(offset, size, false, zero);
    handles_.push_back(std::make_unique<Handle>(Handle{std::move(buffer), offset}));
  }

  void allocateHost() {
    const std::size_t size = requestSize();
    const bool zero = in_.flag();
    const auto before = Snapshot::of(*allocator_);
    std::uint32_t offset = 0;
    const bool injected = allocation([&] { offset = allocator_->allocateHostBlock(size, zero); });
    trace("allocateHostBlock(%zu, %d)%s -> %u", size, zero, injected ? " (bookkeeping failed)" : "", offset);
    if (offset == 0) return checkRefusal(size, before, injected);
    if (!allocator_->isHostOwned(offset)) mismatch("a host block is not host-owned");
    added(offset, size, true, zero);
  }

  void checkUnchanged(const Snapshot& before, const char* what) const {
    const auto after = Snapshot::of(*allocator_);
    if (!after.sameStats(before) || after.blocks != before.blocks) mismatch("a refused %s changed the allocator", what);
  }

  void freeHost() {
    const std::uint32_t offset = someOffset();
    const auto expect = expectedStatuses(offset, 0);
    const auto before = Snapshot::of(*allocator_);
    const Status got = allocator_->freeHostBlock(offset);
    trace("freeHostBlock(%u) -> %s", offset, statusName(got));
    if (std::find(expect.begin(), expect.end(), got) == expect.end())
      mismatch("freeHostBlock(%u) = %s, expected %s", offset, statusName(got), statusName(expect[0]));
    if (got != Status::Ok) return checkUnchanged(before, "free");
    removed(offset);
    hostReleased_.insert(offset);
  }

  void adopt() {
    const std::uint32_t offset = someOffset();
    const auto it = blocks_.find(offset);
    // Lengths around the block's size and capacity, and 0.
    std::size_t length = in_.byte() % 300;
    if (it != blocks_.end() && in_.flag()) length = it->second.capacity + (in_.byte() % 3) - 1;
    if (in_.byte() < 0x20) length = 0;
    auto expect = expectedStatuses(offset, length);
    const bool takes = expect[0] == Status::Ok;
    if (length == 0) expect = {Status::Ok};  // valid whatever the offset; takes a live host block only
    const auto before = Snapshot::of(*allocator_);
    Status status = Status::Ok;
    auto buffer = LinearBuffer::adoptHostBlock(offset, length, ByteOrder::LittleEndian, *allocator_, status);
    trace("adoptHostBlock(%u, %zu) -> %s", offset, length, statusName(status));
    if (std::find(expect.begin(), expect.end(), status) == expect.end())
      mismatch("adoptHostBlock(%u, %zu) = %s, expected %s", offset, length, statusName(status), statusName(expect[0]));
    if (status != Status::Ok || !takes) {
      if (buffer.capacity() != 0 || buffer.allocator() != nullptr) mismatch("a refused or empty adoption took something");
      return checkUnchanged(before, "adoption");
    }
    if (buffer.capacity() != length || buffer.baseOffset() != offset) mismatch("adopted buffer has the wrong extent");
    if (allocator_->isHostOwned(offset)) mismatch("an adopted block is still host-owned");
    if (allocator_->blockGeneration(offset) != it->second.generation) mismatch("adoption changed the block's generation");
    it->second.host = false;  // the tag stays as it was: adoption moves no byte
    hostReleased_.insert(offset);  // the host gave it away: freeing it later is a double free
    // The buffer may cover the whole block: read its last byte.
    if (length) (void)buffer.getUnsignedByte(length - 1);
    handles_.push_back(std::make_unique<Handle>(Handle{std::move(buffer), offset}));
  }

  void toHost() {
    if (handles_.empty()) return;
    const std::size_t index = in_.byte() % handles_.size();
    Handle& h = *handles_[index];
    // Refused while other views of the block are alive. A view that does not
    // start at byte 0 of the block still gives the whole block back.
    const bool expectOk = handlesOf(h.block) == 1;
    const std::uint32_t offset = h.buffer.releaseToHost();
    trace("releaseToHost(handle %zu, block %u) -> %u", index, h.block, offset);
    if ((offset != 0) != expectOk)
      mismatch("releaseToHost with %zu handles on the block returned %u", handlesOf(h.block), offset);
    if (offset == 0) return;
    if (offset != h.block) mismatch("releaseToHost returned %u for block %u", offset, h.block);
    if (h.buffer.capacity() != 0 || h.buffer.allocator() != nullptr) mismatch("releaseToHost left the buffer non-empty");
    Block& block = blocks_[offset];
    block.host = true;
    hostReleased_.erase(offset);  // the host's again: its free is not a double free
    // The host owns the whole block now, as with allocateHostBlock: touch its last byte.
    volatile std::uint8_t last = allocator_->pointer(offset)[block.capacity - 1];
    (void)last;
    handles_.erase(handles_.begin() + static_cast<std::ptrdiff_t>(index));
  }

  void view() {
    if (handles_.empty() || handles_.size() >= 24) return;
    Handle& h = *handles_[in_.byte() % handles_.size()];
    if (h.buffer.capacity() == 0) return;
    h.buffer.position(in_.byte() % (h.buffer.capacity() + 1));
    auto slice = in_.flag() ? h.buffer.slice() : h.buffer.readBytes(h.buffer.remaining() / 2);
    trace("view of block %u at %u, %zu bytes", h.block, slice.baseOffset(), slice.capacity());
    if (!slice.hasOtherViews()) mismatch("a view does not know its block is shared");
    handles_.push_back(std::make_unique<Handle>(Handle{std::move(slice), h.block}));
  }

  void drop() {
    if (handles_.empty()) return;
    const std::size_t index = in_.byte() % handles_.size();
    const std::uint32_t block = handles_[index]->block;
    const bool last = handlesOf(block) == 1;
    const std::size_t capacity = blocks_[block].capacity;
    const auto before = allocator_->stats();
    handles_.erase(handles_.begin() + static_cast<std::ptrdiff_t>(index));
    trace("drop handle %zu (block %u, last %d)", index, block, last);
    if (!last) return;
    removed(block);
    // Reuse: allocating the same size straight away must not grow the region.
    if (in_.flag()) {
      auto again = LinearBuffer::allocate(capacity, ByteOrder::BigEndian, *allocator_);
      if (allocator_->stats().reservedBytes != before.reservedBytes)
        mismatch("allocating %zu bytes right after releasing a block of that size grew the region", capacity);
      const std::uint32_t offset = again.baseOffset();
      added(offset, capacity, false, true);
      handles_.push_back(std::make_unique<Handle>(Handle{std::move(again), offset}));
    }
  }

  // Memory grows by someone else (malloc, on wasm32): the next growth of the
  // region is not contiguous with it.
  void foreignGrowth() {
    const std::uint64_t pages = 1 + in_.byte() % 3;
    const std::uint64_t offset = AllocatorProbe::growForeign(*allocator_, pages);
    trace("foreign growth of %llu pages -> %llu", (unsigned long long)pages, (unsigned long long)offset);
    if (offset != 0) foreign_.push_back({offset, offset + pages * kPage});
  }

  void configure() {
    const std::size_t initial = in_.byte() % 6, max = in_.byte() % 6;
    const bool argumentsOk = max >= 1 && initial <= max;
    const Outcome expect = !argumentsOk                 ? Outcome::InvalidArgument
                           : reservedSince_             ? Outcome::InvalidState
                                                        : Outcome::Ok;
    // Which check comes first is not in the contract: accept either when both apply.
    const Outcome got = attempt([&] { allocator_->reconfigure(initial, max); });
    trace("reconfigure(%zu, %zu) -> %s", initial, max, outcomeName(got));
    const bool bothApply = !argumentsOk && reservedSince_;
    if (got != expect && !(bothApply && got == Outcome::InvalidState))
      mismatch("reconfigure(%zu, %zu): %s, expected %s", initial, max, outcomeName(got), outcomeName(expect));
    if (got == Outcome::Ok) {
      initialMB_ = initial, maxMB_ = max;
      if (allocator_->stats().maxBytes != max * MB) mismatch("reconfigure did not set the maximum");
    }
  }

  void step() {
    switch (in_.byte() % 10) {
      case 0: allocateBuffer(true); break;
      case 1: allocateBuffer(false); break;
      case 2: allocateHost(); break;
      case 3: freeHost(); break;
      case 4: adopt(); break;
      case 5: toHost(); break;
      case 6: view(); break;
      case 7: drop(); break;
      case 8:  // (after the first growth: natively that maps the region's address range)
        if (allocator_->stats().reservedBytes != 0) foreignGrowth();
        break;
      default: configure(); break;
    }
    if (allocator_->stats().reservedBytes != 0) reservedSince_ = true;
  }

  // The tag is intact (see firstWrongByte: large blocks are sampled).
  void checkTag(std::uint32_t offset, const Block& block) const {
    const std::uint8_t* p = allocator_->pointer(offset);
    const std::size_t i = firstWrongByte(p, block.size, block.tag);
    if (i != block.size) mismatch("block at %u: byte %zu is %u, not its tag %u", offset, i, p[i], block.tag);
  }

  void checkInvariants() {
    // No overlap, aligned; the map is ordered by offset.
    std::uint64_t end = 0;
    std::size_t inUse = 0;
    for (const auto& [offset, block] : blocks_) {
      if (offset < end) mismatch("block at %u overlaps the previous one (ends at %llu)", offset, (unsigned long long)end);
      end = std::uint64_t{offset} + block.capacity;
      inUse += block.capacity;
      if (allocator_->blockCapacity(offset) != block.capacity) mismatch("block at %u changed capacity", offset);
      if (allocator_->isHostOwned(offset) != block.host) mismatch("block at %u changed owner", offset);
      const std::uint32_t inside = offset + static_cast<std::uint32_t>(block.capacity) - 1 - (block.tag % block.capacity);
      if (allocator_->blockGeneration(offset) != block.generation || allocator_->blockGeneration(inside) != block.generation)
        mismatch("block at %u changed generation", offset);
      checkTag(offset, block);
    }
    // Every block the fuzzer thinks buffer-owned is held by a handle, and vice versa.
    for (const auto& h : handles_)
      if (!blocks_.count(h->block) || blocks_[h->block].host) mismatch("a handle's block %u is not live", h->block);
    const auto stats = allocator_->stats();
    peak_ = std::max(peak_, inUse);
    if (stats.liveBuffers != blocks_.size()) mismatch("liveBuffers %zu, expected %zu", stats.liveBuffers, blocks_.size());
    if (stats.bytesInUse != inUse) mismatch("bytesInUse %zu, expected %zu", stats.bytesInUse, inUse);
    if (stats.peakBytesInUse != peak_) mismatch("peakBytesInUse %zu, expected %zu", stats.peakBytesInUse, peak_);
    if (stats.maxBytes != maxMB_ * MB) mismatch("maxBytes %zu, expected %zu", stats.maxBytes, maxMB_ * MB);
    if (stats.reservedBytes > stats.maxBytes) mismatch("reserved %zu past the maximum %zu", stats.reservedBytes, stats.maxBytes);
    if (stats.reservedBytes % LinearMemoryAllocator::kPageSize != 0) mismatch("reserved is not whole pages");
    if (inUse > stats.reservedBytes) mismatch("more in use than reserved");
    if (stats.reservedBytes != 0) {
      std::uint32_t count;
      std::memcpy(&count, allocator_->pointer(allocator_->releaseCounterOffset()), 4);
      if (count != releases_) mismatch("the release counter is %u after %u releases", count, releases_);
    }
    if (const char* wrong = AllocatorProbe::inconsistency(*allocator_)) mismatch("allocator: %s", wrong);
  }

  Input& in_;
  std::size_t initialMB_ = 0, maxMB_ = 1;
  std::unique_ptr<LinearMemoryAllocator> allocator_;
  std::map<std::uint32_t, Block> blocks_;  // live blocks by offset
  std::vector<std::uint32_t> freed_;       // offsets released and not reused: good bad offsets
  std::set<std::uint32_t> hostReleased_;   // offsets the host freed or gave away, not handed out since
  std::vector<std::pair<std::uint64_t, std::uint64_t>> foreign_;  // memory grown by "someone else"
  std::vector<std::unique_ptr<Handle>> handles_;
  std::size_t peak_ = 0;
  std::uint32_t releases_ = 0;
  bool reservedSince_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  AllocatorFuzzer(in).run();
  return 0;
}
