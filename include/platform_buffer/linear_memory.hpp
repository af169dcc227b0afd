// LinearMemoryAllocator: owns the region of linear memory that LinearBuffers
// (the Direct and SharedMemory zones) and host allocations live in.
//
// On wasm32 the region is made of pages from the allocator's own memory.grow
// calls, so it never overlaps malloc's heap (the two may interleave in the
// address space). Natively the same code runs over a simulated linear memory:
// one reserved virtual range, committed page by page as it "grows", addressed
// by 32-bit offsets from its base. Offset 0 is never a block.
//
// Blocks are rounded up to size classes (16-byte granules: exact up to 128
// bytes, then four classes per power of two, so at most 25% is lost to
// rounding). A released block goes back on its class's free list, or, when it
// is the topmost block, rewinds the top; an allocate/release loop therefore
// runs in constant memory. All bookkeeping (one byte per granule, the free
// lists, the counts of shared blocks) lives on the C++ heap, outside linear memory, so
// nothing a host writes into linear memory can corrupt it, and hostile offsets
// passed to free are recognised and refused.
//
// Not thread-safe: like wasm32 itself, one thread uses an allocator.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "detail/linear_region.hpp"
#include "errors.hpp"

namespace platform_buffer {

struct LinearMemoryStats {
  std::size_t reservedBytes = 0;   // linear memory grown for this allocator
  std::size_t bytesInUse = 0;      // bytes in live blocks (size-class rounded)
  std::size_t peakBytesInUse = 0;  // the most bytesInUse has been
  std::size_t liveBuffers = 0;     // live blocks: buffers (with their slices) and host allocations
  std::size_t maxBytes = 0;        // the limit the region may grow to
};

// Who owns a block: a LinearBuffer (freed when its last view dies) or the host
// (freed through platform_buffer_free).
enum class BlockOwner : std::uint8_t { Buffer, Host };

// The result of a host-side free or adoption.
enum class BlockStatus : std::uint8_t {
  Ok = 0,
  NotABlock = 1,   // not the start of a live block: never allocated, already freed, or inside a block
  NotHostOwned = 2,  // a live block that belongs to a LinearBuffer, not to the host
  TooLong = 3,     // a length past the end of the block
};

class LinearMemoryAllocator {
 public:
  static constexpr std::size_t kPageSize = detail::LinearRegion::kPageSize;  // a wasm page
  static constexpr std::size_t kGranule = 16;      // block alignment and rounding unit
  static constexpr std::size_t kMB = 1024 * 1024;
  static constexpr std::size_t kDefaultInitialMB = 16;
  static constexpr std::size_t kDefaultMaxMB = 4096;
  // Offsets are 32-bit and page 0 is never part of the region.
  static constexpr std::uint64_t kAddressSpace = (std::uint64_t{1} << 32) - kPageSize;
  static constexpr std::uint32_t kNoShare = UINT32_MAX;

  // `initialSizeMB` is reserved at the first allocation; the region then grows
  // on demand up to `maxSizeMB` (both in MiB; 4096 means "as far as memory goes").
  explicit LinearMemoryAllocator(std::size_t initialSizeMB = kDefaultInitialMB,
                                 std::size_t maxSizeMB = kDefaultMaxMB) {
    setSizes(initialSizeMB, maxSizeMB);
  }
  ~LinearMemoryAllocator() = default;
  LinearMemoryAllocator(const LinearMemoryAllocator&) = delete;
  LinearMemoryAllocator& operator=(const LinearMemoryAllocator&) = delete;

  // The allocator behind LinearBuffer::allocate. It lives as long as the program.
  static LinearMemoryAllocator& global() {
    static LinearMemoryAllocator* instance = new LinearMemoryAllocator();
    return *instance;
  }

  // Sets the global allocator's sizes. Only before its first allocation: later
  // it is an error (ErrorKind::InvalidState) and changes nothing.
  static void configure(std::size_t initialSizeMB, std::size_t maxSizeMB = kDefaultMaxMB) {
    global().reconfigure(initialSizeMB, maxSizeMB);
  }

  // The same for this allocator.
  void reconfigure(std::size_t initialSizeMB, std::size_t maxSizeMB) {
    if (PBUF_UNLIKELY(reserved_ != 0)) {
      detail::raisef(ErrorKind::InvalidState,
                     "LinearMemoryAllocator::configure(%zu, %zu) after the first allocation: the region is "
                     "already reserved (%zu bytes); call configure once at startup, before any LinearBuffer",
                     initialSizeMB, maxSizeMB, static_cast<std::size_t>(reserved_));
      return;
    }
    setSizes(initialSizeMB, maxSizeMB);
  }

  LinearMemoryStats stats() const noexcept {
    return {static_cast<std::size_t>(reserved_), static_cast<std::size_t>(inUse_), static_cast<std::size_t>(peak_),
            live_, static_cast<std::size_t>(maxBytes_)};
  }

  // ---- blocks ------------------------------------------------------------
  // Allocates a block of at least `size` bytes, zeroed unless `zero` is false.
  // Returns its offset, or 0 when the size cannot be served (nothing changes then).
  PBUF_INLINE std::uint32_t allocateBlock(std::size_t size, BlockOwner owner, bool zero = true) {
    if (PBUF_UNLIKELY(size > maxBytes_)) return 0;  // also every size that cannot exist in 32 bits
    const std::uint32_t cls = classOf(size);
    const std::uint64_t bytes = classBytes(cls);
    std::uint32_t offset;
    if (!freeLists_[cls].empty()) {
      offset = freeLists_[cls].back();
      freeLists_[cls].pop_back();
      freeListBytes_ -= bytes;
    } else if (bytes <= chunkEnd_ - top_) {
      offset = static_cast<std::uint32_t>(top_);
      top_ += bytes;
    } else {
      offset = allocateByGrowing(bytes);
      if (offset == 0) return 0;
    }
    std::uint8_t* p = pointer(offset);
    PBUF_UNPOISON(p, static_cast<std::size_t>(bytes));
    // Only memory handed out before can hold old bytes; fresh pages are zero.
    if (zero && offset < cleanFrom_) std::memset(p, 0, static_cast<std::size_t>(std::min(bytes, cleanFrom_ - offset)));
    cleanFrom_ = std::max(cleanFrom_, offset + bytes);
    if (owner == BlockOwner::Buffer) {  // sanitizer builds: the rounding slack is out of bounds
      PBUF_POISON(p, static_cast<std::size_t>(bytes));
      PBUF_UNPOISON(p, size);
    }
    meta_[granuleIndex(offset)] = static_cast<std::uint8_t>((cls + 1) | (owner == BlockOwner::Host ? kHostBit : 0));
    inUse_ += bytes;
    peak_ = std::max(peak_, inUse_);
    ++live_;
    return offset;
  }

  // The usable size of the live block at `offset` (its size class), or 0.
  std::size_t blockCapacity(std::uint32_t offset) const noexcept {
    const std::uint8_t m = metaAt(offset);
    return m ? static_cast<std::size_t>(classBytes((m & ~kHostBit) - 1u)) : 0;
  }

  bool isHostOwned(std::uint32_t offset) const noexcept { return (metaAt(offset) & kHostBit) != 0; }

  // Frees a host-owned block. Unknown offsets, double frees and buffer-owned
  // blocks are refused with a status and change nothing.
  BlockStatus freeHostBlock(std::uint32_t offset) {
    const std::uint8_t m = metaAt(offset);
    if (m == 0) return BlockStatus::NotABlock;
    if (!(m & kHostBit)) return BlockStatus::NotHostOwned;
    freeBlock(offset);
    return BlockStatus::Ok;
  }

  // Hands a host-owned block over to a LinearBuffer (the guest then frees it).
  BlockStatus checkHostBlock(std::uint32_t offset, std::size_t length) const noexcept {
    const std::uint8_t m = metaAt(offset);
    if (m == 0) return BlockStatus::NotABlock;
    if (!(m & kHostBit)) return BlockStatus::NotHostOwned;
    if (length > classBytes((m & ~kHostBit) - 1u)) return BlockStatus::TooLong;
    return BlockStatus::Ok;
  }

  // Frees a block a LinearBuffer owned (the last view of it is gone).
  void freeBufferBlock(std::uint32_t offset) { freeBlock(offset); }

  // Turns the host-owned block at `offset` into a buffer-owned one; check it first with checkHostBlock.
  void adoptHostBlock(std::uint32_t offset) noexcept { meta_[granuleIndex(offset)] &= static_cast<std::uint8_t>(~kHostBit); }

  // Turns a buffer-owned block into a host-owned one (the host frees it).
  void giveBlockToHost(std::uint32_t offset) noexcept {
    meta_[granuleIndex(offset)] |= kHostBit;
    PBUF_UNPOISON(pointer(offset), blockCapacity(offset));  // a host block is addressable up to its capacity
  }

  // ---- shared counts: created when a buffer's first view is made, so a buffer
  // that is never sliced costs no bookkeeping beyond its block --------------
  // A count of 2 (the buffer and its first view) for the block at `offset`.
  std::uint32_t shareBlock(std::uint32_t offset) {
    if (freeShares_.empty()) {
      shares_.push_back({offset, 2});
      return static_cast<std::uint32_t>(shares_.size() - 1);
    }
    const std::uint32_t share = freeShares_.back();
    freeShares_.pop_back();
    shares_[share] = {offset, 2};
    return share;
  }
  void retainShare(std::uint32_t share) noexcept { ++shares_[share].references; }
  // Drops one reference; the block is freed with the last one.
  void releaseShare(std::uint32_t share) {
    if (--shares_[share].references != 0) return;
    freeBlock(shares_[share].offset);
    freeShares_.push_back(share);
  }
  std::uint32_t shareReferences(std::uint32_t share) const noexcept { return shares_[share].references; }
  // Ends a share whose only reference is left (the block itself stays live).
  void endShare(std::uint32_t share) {
    shares_[share].references = 0;
    freeShares_.push_back(share);
  }

  // ---- addresses ---------------------------------------------------------
  std::uint8_t* pointer(std::uint32_t offset) const noexcept { return region_.pointer(offset); }
  std::uint32_t offsetOf(const std::uint8_t* p) const noexcept { return region_.offsetOf(p); }
  // One past the last offset of linear memory that exists now.
  std::uint64_t memoryEnd() const noexcept { return region_.memoryEnd(); }

  // Raises OutOfMemoryError for a request of `size` bytes that could not be served.
  PBUF_FAIL_NORETURN PBUF_COLD void raiseOutOfMemory(const char* op, std::size_t size) const {
    // The counters are 64-bit even where size_t is not (wasm32).
    detail::raisef(ErrorKind::OutOfMemory,
                   "%s(%zu) cannot be served from linear memory: %llu bytes in use, %llu reserved, limit %llu bytes "
                   "(%llu MB). Call LinearMemoryAllocator::configure(initialSizeMB, maxSizeMB) at startup with a "
                   "larger maximum, or use AllocationZone::Heap.%s",
                   op, size, static_cast<unsigned long long>(inUse_), static_cast<unsigned long long>(reserved_),
                   static_cast<unsigned long long>(maxBytes_), static_cast<unsigned long long>(maxBytes_ / kMB),
                   detail::LinearRegion::limitNote(size, maxBytes_ - reserved_));
  }

 private:
  static constexpr std::uint8_t kHostBit = 0x80;
  static constexpr std::uint32_t kClassCount = 112;

  struct Share {
    std::uint32_t offset;
    std::uint32_t references;
  };

  // Size classes over granules g = ceil(size / 16): g = 1..8 exactly, then
  // four classes per power of two.
  static std::uint32_t classOf(std::size_t size) noexcept {
    const std::size_t g = size == 0 ? 1 : (size + kGranule - 1) / kGranule;
    if (g <= 8) return static_cast<std::uint32_t>(g - 1);
    const std::uint32_t log = static_cast<std::uint32_t>(std::bit_width(g - 1) - 1);
    const std::uint32_t sub = static_cast<std::uint32_t>(((g - 1) >> (log - 2)) & 3);
    return 8 + (log - 3) * 4 + sub;
  }
  static std::uint64_t classBytes(std::uint32_t cls) noexcept {
    if (cls < 8) return (cls + 1) * std::uint64_t{kGranule};
    const std::uint32_t log = (cls - 8) / 4 + 3, sub = (cls - 8) % 4;
    return (std::uint64_t{5 + sub} << (log - 2)) * kGranule;
  }

  void setSizes(std::size_t initialSizeMB, std::size_t maxSizeMB) {
    if (PBUF_UNLIKELY(maxSizeMB == 0 || initialSizeMB > maxSizeMB || maxSizeMB > kDefaultMaxMB)) {
      detail::raisef(ErrorKind::InvalidArgument,
                     "LinearMemoryAllocator::configure(%zu, %zu): need 0 <= initialSizeMB <= maxSizeMB, and "
                     "1 <= maxSizeMB <= 4096",
                     initialSizeMB, maxSizeMB);
      return;
    }
    maxBytes_ = std::min<std::uint64_t>(std::uint64_t{maxSizeMB} * kMB, kAddressSpace);
    initialBytes_ = std::min<std::uint64_t>(std::uint64_t{initialSizeMB} * kMB, maxBytes_);
  }

  std::size_t granuleIndex(std::uint32_t offset) const noexcept {
    return static_cast<std::size_t>((offset - regionBegin_) / kGranule);
  }

  std::uint8_t metaAt(std::uint32_t offset) const noexcept {
    if (offset < regionBegin_ || offset >= regionEnd_ || offset % kGranule != 0) return 0;
    return meta_[granuleIndex(offset)];
  }

  void freeBlock(std::uint32_t offset) {
    std::uint8_t& m = meta_[granuleIndex(offset)];
    const std::uint32_t cls = (m & ~kHostBit) - 1u;
    const std::uint64_t bytes = classBytes(cls);
    m = 0;
    PBUF_POISON(pointer(offset), static_cast<std::size_t>(bytes));
    inUse_ -= bytes;
    --live_;
    if (offset + bytes == top_) {
      top_ = offset;  // the topmost block: rewind
    } else {
      freeLists_[cls].push_back(offset);
      freeListBytes_ += bytes;
    }
    // Free blocks are never merged, but once nothing is live the whole chunk is
    // one free range again: forget the lists, so memory released as small
    // blocks can serve a large one. (With older chunks, on wasm32 when malloc
    // grew memory in between, their blocks stay on the lists instead.)
    if (live_ == 0 && freeListBytes_ != 0 && chunkBegin_ == regionBegin_) {
      for (auto& list : freeLists_) list.clear();
      freeListBytes_ = 0;
      top_ = chunkBegin_;
    }
  }

  // Grows the region by at least `bytes` and carves the block from the new top.
  PBUF_COLD std::uint32_t allocateByGrowing(std::uint64_t bytes) {
    const std::uint64_t room = maxBytes_ - reserved_;
    if (bytes > room) return 0;
    // The first growth reserves the initial size; later ones at least double
    // small regions and add 64 MB steps to large ones.
    std::uint64_t step = reserved_ == 0 ? initialBytes_ : std::min<std::uint64_t>(reserved_, 64 * kMB);
    step = std::min(std::max(step, bytes), room);
    const std::uint64_t pages = (step + kPageSize - 1) / kPageSize;
    const std::uint64_t begin = region_.grow(pages, maxBytes_);
    if (begin == 0) return 0;
    const std::uint64_t end = begin + pages * kPageSize;
    if (regionEnd_ == 0) regionBegin_ = static_cast<std::uint32_t>(begin);
    if (begin != chunkEnd_) {  // not contiguous (malloc grew memory in between): a new chunk
      chunkBegin_ = begin;
      top_ = begin;
      cleanFrom_ = begin;
    }
    chunkEnd_ = end;
    regionEnd_ = end;
    reserved_ += pages * kPageSize;
    meta_.resize(static_cast<std::size_t>((regionEnd_ - regionBegin_) / kGranule), 0);
    if (bytes > chunkEnd_ - top_) return 0;  // the step was rounded to the room left
    const auto offset = static_cast<std::uint32_t>(top_);
    top_ += bytes;
    return offset;
  }

  // Region arithmetic is 64-bit so that nothing wraps near 2^32 on wasm32.
  std::uint64_t initialBytes_ = 0, maxBytes_ = 0;
  std::uint64_t reserved_ = 0, inUse_ = 0, peak_ = 0;
  std::size_t live_ = 0;
  std::uint64_t regionBegin_ = 0, regionEnd_ = 0;  // offsets covered by meta_
  std::uint64_t chunkBegin_ = 0, top_ = 0, chunkEnd_ = 0;  // the newest chunk and its bump pointer
  std::uint64_t freeListBytes_ = 0;                          // bytes waiting on the free lists
  std::uint64_t cleanFrom_ = 0;                    // bytes from here to chunkEnd_ were never handed out
  std::vector<std::uint8_t> meta_;               // per granule: 0, or (size class + 1) | kHostBit
  std::vector<std::uint32_t> freeLists_[kClassCount];
  std::vector<Share> shares_;
  std::vector<std::uint32_t> freeShares_;
  detail::LinearRegion region_;
};

}  // namespace platform_buffer
