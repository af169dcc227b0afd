// LinearMemoryAllocator: owns the region of linear memory that LinearBuffers
// (the Direct and SharedMemory zones) and host allocations live in.
//
// On wasm32 the region is made of pages from the allocator's own memory.grow
// calls, so it never overlaps malloc's heap (the two may interleave in the
// address space: the region is then several chunks). Natively the same code
// runs over a simulated linear memory: one reserved virtual range, committed
// page by page as it "grows", addressed by 32-bit offsets from its base.
// Offset 0 is never a block.
//
// Blocks are rounded up to size classes (16-byte granules: exact up to 128
// bytes, then four classes per power of two, so at most 25% is lost to
// rounding). Free space is kept by detail::BlockStore (detail/block_store.hpp):
// released blocks merge with free neighbours at once, free blocks wait on one
// list per class, and any request takes the best-fitting class that has one,
// so memory released in one size serves any other. In front of it, a small
// cache of recently released blocks per class (up to 64 KiB blocks, 1 MiB in
// all) makes an allocate/release loop as cheap as a free-list pop and push;
// the cache is merged back before the region grows, so it never makes the
// region larger.
//
// Every operation is transactional: whatever it needs, the allocator's own
// bookkeeping included, is obtained before anything changes, and a failure
// (OutOfMemoryError, a 0 or a status) leaves the stats, every block and the
// free structures as they were. The bookkeeping lives off linear memory (on
// the C++ heap, through malloc, whose failure is an answer rather than an
// abort), so nothing a host writes into linear memory can corrupt it, and
// hostile offsets are recognised and refused.
//
// Not thread-safe: like wasm32 itself, one thread uses an allocator.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

#include "detail/block_store.hpp"
#include "detail/linear_region.hpp"
#include "errors.hpp"

namespace platform_buffer {

namespace host {
// The answer of a checked block operation: platform_buffer_free, host::adoptInput,
// LinearMemoryAllocator::freeHostBlock and checkHostBlock, and the status half of a
// failed host::Result. The numbers are the host ABI's (docs/host-abi.md) and never change.
enum class Status : std::uint32_t {
  Ok = 0,
  UnknownOffset = 1,  // not the start of a live block: never allocated, inside a block (live or free), or past memory
  DoubleFree = 2,     // the start of a block the host already freed (or gave to the guest), not handed out since
  NotHostOwned = 3,   // a live block that belongs to the guest (a LinearBuffer), not to the host
  TooLong = 4,        // a length past the end of the block (so also any length past the end of memory)
  OutOfMemory = 5,    // the guest could not allocate its result
  InvalidInput = 6,   // the guest rejected the input's contents (a generic code)
  FirstApplicationCode = 256,  // codes from here on are the guest application's own
};
}  // namespace host

struct LinearMemoryStats {
  std::size_t reservedBytes = 0;   // linear memory grown for this allocator
  std::size_t bytesInUse = 0;      // bytes in live blocks (size-class rounded)
  std::size_t peakBytesInUse = 0;  // the most bytesInUse has been
  std::size_t liveBuffers = 0;     // live blocks: buffers (with their slices) and host allocations
  std::size_t maxBytes = 0;        // the limit the region may grow to
};

class LinearBuffer;
namespace detail {
struct HostExchange;    // host_exchange.hpp: the host ABI's access to buffer blocks
struct AllocatorProbe;  // defined by tests only: reads the internals
}  // namespace detail

class LinearMemoryAllocator {
 public:
  static constexpr std::size_t kPageSize = detail::LinearRegion::kPageSize;  // a wasm page
  static constexpr std::size_t kGranule = 16;  // block alignment and rounding unit
  static constexpr std::size_t kMB = 1024 * 1024;
  static constexpr std::size_t kDefaultInitialMB = 16;
  static constexpr std::size_t kDefaultMaxMB = 4096;
  // Offsets are 32-bit and page 0 is never part of the region.
  static constexpr std::uint64_t kAddressSpace = (std::uint64_t{1} << 32) - kPageSize;

  // `initialSizeMB` is reserved at the first allocation; the region then grows
  // on demand up to `maxSizeMB` (both in MiB; 4096 means "as far as memory goes").
  explicit LinearMemoryAllocator(std::size_t initialSizeMB = kDefaultInitialMB,
                                 std::size_t maxSizeMB = kDefaultMaxMB) {
    setSizes(initialSizeMB, maxSizeMB);
  }
  ~LinearMemoryAllocator() = default;
  LinearMemoryAllocator(const LinearMemoryAllocator&) = delete;
  LinearMemoryAllocator& operator=(const LinearMemoryAllocator&) = delete;

  // The allocator behind LinearBuffer::allocate. It lives as long as the
  // program (never destroyed, so buffers in static storage stay valid), in
  // static storage: getting it allocates nothing.
  static LinearMemoryAllocator& global() {
    alignas(LinearMemoryAllocator) static unsigned char storage[sizeof(LinearMemoryAllocator)];
    static LinearMemoryAllocator* const instance = ::new (static_cast<void*>(storage)) LinearMemoryAllocator();
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

  // ---- host blocks: the checked operations a host reaches through the host
  // ABI (host_abi.hpp). Any offset and size is safe to pass: what is not a
  // block of the right kind is refused, and nothing changes then. -----------

  // A block of at least `size` bytes owned by the host, zeroed unless `zero` is
  // false (0 bytes get one granule). Returns its offset, or 0 when it cannot be
  // served; it never calls the error handler.
  std::uint32_t allocateHostBlock(std::size_t size, bool zero = true) {
    const std::uint32_t block = allocateBlock(size, detail::BlockOwner::Host, zero);
    return block == detail::kNoBlock ? 0 : blocks_[block].offset;
  }

  // Frees the host block that starts at `offset`. Anything else is refused with
  // its status: UnknownOffset, DoubleFree, NotHostOwned.
  host::Status freeHostBlock(std::uint32_t offset) {
    std::uint32_t block;
    const host::Status status = hostBlockAt(offset, 0, block);
    if (status != host::Status::Ok) return status;
    blocks_[block].releasedByHost = true;  // freeing it again is a double free
    releaseBlock(block);
    return host::Status::Ok;
  }

  // Ok when `offset` starts a live host block that `length` bytes fit in;
  // otherwise why not (UnknownOffset, DoubleFree, NotHostOwned, TooLong).
  host::Status checkHostBlock(std::uint32_t offset, std::size_t length) const noexcept {
    std::uint32_t block;
    return hostBlockAt(offset, length, block);
  }

  // The usable size (its size class) of the live block that starts at `offset`, or 0.
  std::size_t blockCapacity(std::uint32_t offset) const noexcept {
    const std::uint32_t block = liveBlockAt(offset);
    return block == detail::kNoBlock ? 0 : blocks_[block].size;
  }

  bool isHostOwned(std::uint32_t offset) const noexcept {
    const std::uint32_t block = liveBlockAt(offset);
    return block != detail::kNoBlock && blocks_[block].owner == detail::BlockOwner::Host;
  }

  // A nonzero number for the live block that contains byte `offset` (its start
  // or any byte inside it), or 0 when no live block does. A block handed out
  // again gets another number (a counter per allocation, wrapping, never 0), so
  // a host that recorded it can tell that the block it viewed was released.
  std::uint32_t blockGeneration(std::uint32_t offset) const noexcept {
    const std::uint32_t block = blocks_.find(offset);
    if (block == detail::kNoBlock) return 0;
    const detail::Block& b = blocks_[block];
    return b.state == detail::BlockState::Live && b.owner != detail::BlockOwner::Internal ? b.generation : 0;
  }

  // The offset of a u32 in linear memory that grows by one whenever a block is
  // released (a host free, the last reference of a buffer, a realloc that
  // moves), so a host watching blocks asks blockGeneration only when it
  // changed. It is the first 16 bytes of the region, taken at the first growth
  // (this call makes it, as a first allocation would); 0 when not even that
  // could be reserved.
  std::uint32_t releaseCounterOffset() {
    if (counterOffset_ == 0 && reserved_ == 0) {
      std::uint32_t dirty;
      (void)growFor(0, dirty, /*wanted=*/false);
    }
    return counterOffset_;
  }

  // ---- addresses ---------------------------------------------------------
  std::uint8_t* pointer(std::uint32_t offset) const noexcept { return region_.pointer(offset); }
  std::uint32_t offsetOf(const std::uint8_t* p) const noexcept { return region_.offsetOf(p); }
  // One past the last offset of linear memory that exists now.
  std::uint64_t memoryEnd() const noexcept { return region_.memoryEnd(); }

 private:
  friend class LinearBuffer;
  friend struct detail::HostExchange;
  friend struct detail::AllocatorProbe;

  using Block = detail::Block;
  using BlockOwner = detail::BlockOwner;
  using BlockState = detail::BlockState;
  using SizeClasses = detail::SizeClasses;
  static constexpr std::uint32_t kNoBlock = detail::kNoBlock;

  // The cache of released blocks: classes up to 64 KiB, a few blocks each.
  static constexpr std::uint32_t kCachedClasses = 44;
  static constexpr std::uint32_t kCacheDepth = 32;
  static constexpr std::uint64_t kCacheBytes = 1 << 20;
  static_assert(SizeClasses::bytes(kCachedClasses - 1) == 65536);

  // ---- blocks, by their record (what LinearBuffer holds) ---------------------

  // Hands out a block of at least `size` bytes (zeroed unless `zero` is
  // false). Returns its record, or kNoBlock with nothing changed.
  PBUF_INLINE std::uint32_t allocateBlock(std::size_t size, BlockOwner owner, bool zero) {
    if (PBUF_UNLIKELY(size > maxBytes_)) return kNoBlock;  // also every size that cannot exist in 32 bits
    const std::uint32_t cls = SizeClasses::ceil(size);
    std::uint32_t block, dirty;
    if (cls < kCachedClasses && cache_[cls].head != kNoBlock) {
      block = cache_[cls].head;
      cache_[cls].head = blocks_[block].nextFree;
      --cache_[cls].count;
      dirty = blocks_[block].size;
      cachedBytes_ -= dirty;
    } else {
      block = allocateFromFreeSpace(cls, dirty);
      if (block == kNoBlock) return kNoBlock;
    }
    Block& b = blocks_[block];
    std::uint8_t* p = pointer(b.offset);
    PBUF_UNPOISON(p, b.size);
    // Only memory handed out before can hold old bytes; fresh pages are zero.
    if (zero && dirty != 0) std::memset(p, 0, dirty);
    if (owner == BlockOwner::Buffer) {  // sanitizer builds: the rounding slack is out of bounds
      PBUF_POISON(p, b.size);
      PBUF_UNPOISON(p, size);
    }
    b.state = BlockState::Live;
    b.owner = owner;
    b.references = owner == BlockOwner::Buffer ? 1 : 0;
    b.releasedByHost = false;
    if (PBUF_UNLIKELY(++generation_ == 0)) ++generation_;
    b.generation = generation_;
    inUse_ += b.size;
    peak_ = std::max(peak_, inUse_);
    ++live_;
    return block;
  }

  // A live block goes back: into the cache, or merged into free space.
  PBUF_INLINE void releaseBlock(std::uint32_t block) {
    Block& b = blocks_[block];
    inUse_ -= b.size;
    --live_;
    ++*releaseCounter_;
    PBUF_POISON(pointer(b.offset), b.size);
    const std::uint32_t cls = b.cls;
    if (cls < kCachedClasses && cache_[cls].count < kCacheDepth && cachedBytes_ + b.size <= kCacheBytes) {
      b.state = BlockState::Cached;
      b.nextFree = cache_[cls].head;
      cache_[cls].head = block;
      ++cache_[cls].count;
      cachedBytes_ += b.size;
      return;
    }
    blocks_.release(block);
  }

  std::uint32_t blockOffset(std::uint32_t block) const noexcept { return blocks_[block].offset; }

  // References of a buffer block: the buffer and each of its views.
  std::uint32_t references(std::uint32_t block) const noexcept { return blocks_[block].references; }
  void retain(std::uint32_t block) noexcept { ++blocks_[block].references; }
  PBUF_INLINE void dropReference(std::uint32_t block) {
    if (--blocks_[block].references == 0) releaseBlock(block);
  }

  // A buffer block whose only reference is its buffer's becomes the host's.
  std::uint32_t giveToHost(std::uint32_t block) noexcept {
    Block& b = blocks_[block];
    b.owner = BlockOwner::Host;
    b.references = 0;
    b.releasedByHost = false;
    PBUF_UNPOISON(pointer(b.offset), b.size);  // a host block is addressable to its end
    return b.offset;
  }

  // The host block at `offset` becomes a buffer block of `length` bytes (the
  // buffer's single reference); or the status why not.
  host::Status takeFromHost(std::uint32_t offset, std::size_t length, std::uint32_t& block) noexcept {
    const host::Status status = hostBlockAt(offset, length, block);
    if (status != host::Status::Ok) return status;
    Block& b = blocks_[block];
    b.owner = BlockOwner::Buffer;
    b.references = 1;
    b.releasedByHost = true;  // the host gave it away: its free of it later is a double free
    return status;
  }

  // Raises OutOfMemoryError for a request of `size` bytes that could not be served.
  PBUF_FAIL_NORETURN PBUF_COLD void raiseOutOfMemory(const char* op, std::size_t size) const {
    // The counters are 64-bit even where size_t is not (wasm32).
    detail::raisef(ErrorKind::OutOfMemory,
                   "%s(%zu) cannot be served from linear memory%s: %llu bytes in use, %llu reserved, limit %llu "
                   "bytes (%llu MB). Call LinearMemoryAllocator::configure(initialSizeMB, maxSizeMB) at startup "
                   "with a larger maximum, or use AllocationZone::Heap.%s",
                   op, size, bookkeepingFailed_ ? " (the heap has no room for the allocator's bookkeeping)" : "",
                   static_cast<unsigned long long>(inUse_), static_cast<unsigned long long>(reserved_),
                   static_cast<unsigned long long>(maxBytes_), static_cast<unsigned long long>(maxBytes_ / kMB),
                   bookkeepingFailed_ ? "" : detail::LinearRegion::limitNote(size, maxBytes_ - reserved_));
  }

  // ---- lookups by offset (hostile input) ---------------------------------------
  // The live block that starts at `offset` (not the allocator's own), or kNoBlock.
  std::uint32_t liveBlockAt(std::uint32_t offset) const noexcept {
    const std::uint32_t block = blocks_.find(offset);
    if (block == kNoBlock) return kNoBlock;
    const Block& b = blocks_[block];
    return b.offset == offset && b.state == BlockState::Live && b.owner != BlockOwner::Internal ? block : kNoBlock;
  }

  host::Status hostBlockAt(std::uint32_t offset, std::size_t length, std::uint32_t& block) const noexcept {
    block = blocks_.find(offset);
    if (block == kNoBlock || blocks_[block].offset != offset) return host::Status::UnknownOffset;
    const Block& b = blocks_[block];
    if (b.state != BlockState::Live) return b.releasedByHost ? host::Status::DoubleFree : host::Status::UnknownOffset;
    if (b.owner == BlockOwner::Internal) return host::Status::UnknownOffset;
    if (b.owner != BlockOwner::Host) return host::Status::NotHostOwned;
    return length > b.size ? host::Status::TooLong : host::Status::Ok;
  }

  // ---- free space and growth -----------------------------------------------------
  // Not in the cache: from the free lists, then with the cache merged back,
  // then by growing the region.
  [[gnu::noinline]] std::uint32_t allocateFromFreeSpace(std::uint32_t cls, std::uint32_t& dirty) {
    bookkeepingFailed_ = false;
    if (!blocks_.reserveRecords(1)) return bookkeepingFailure();
    std::uint32_t block = blocks_.take(cls, dirty);
    if (block != kNoBlock) return block;
    if (!reserveForGrowth()) return bookkeepingFailure();  // before the cache is touched
    if (cachedBytes_ != 0) {
      flushCache();
      block = blocks_.take(cls, dirty);
      if (block != kNoBlock) return block;
    }
    return growFor(cls, dirty, true);
  }

  // What a growth needs of the bookkeeping, obtained before memory grows:
  // records for two new ranges, the block and the release counter, and the
  // page index for every address the region may reach.
  bool reserveForGrowth() noexcept { return blocks_.reserveRecords(4) && blocks_.coverAddresses(addressLimit()); }

  void flushCache() noexcept {
    for (auto& list : cache_) {
      while (list.head != kNoBlock) {
        const std::uint32_t block = list.head;
        list.head = blocks_[block].nextFree;
        blocks_.release(block);
      }
      list.count = 0;
    }
    cachedBytes_ = 0;
  }

  std::uint32_t bookkeepingFailure() noexcept {
    bookkeepingFailed_ = true;
    return kNoBlock;
  }

  // The highest offset the region can ever reach (the page index covers all of it).
  std::uint64_t addressLimit() const noexcept {
#if PLATFORM_BUFFER_WASM32
    return std::uint64_t{1} << 32;
#else
    return maxBytes_ + kPageSize;  // the native region reserves this much at its first growth
#endif
  }

  // How many bytes to grow by when `need` more are needed: the initial size
  // first, then an eighth of what is reserved (256 KiB to 64 MiB), never less
  // than `need`. Small steps keep the region close to what is needed (the
  // fragmentation bound: reserved within 2x the peak in use, plus the initial
  // size); the limit is applied by the caller.
  std::uint64_t growthStep(std::uint64_t need) const noexcept {
    const std::uint64_t step =
        reserved_ == 0 ? initialBytes_ : std::clamp<std::uint64_t>(reserved_ / 8, kMB / 4, 64 * kMB);
    return std::max(step, need);
  }

  // Grows the region so that a block of class `cls` fits, then takes it (when
  // `wanted`; otherwise only makes the region exist). Near the limit, or when
  // memory.grow refuses a step, it retries with the fewest pages that serve.
  [[gnu::noinline]] std::uint32_t growFor(std::uint32_t cls, std::uint32_t& dirty, bool wanted) {
    if (!reserveForGrowth()) return bookkeepingFailure();
    const std::uint64_t bytes = wanted ? SizeClasses::bytes(cls) : 0;
    const bool first = counterOffset_ == 0;
    const std::uint64_t counter = first ? kCounterBytes : 0;  // the release counter comes first
    // Growth usually appends where the region says it will: a free block ending there grows with it.
    const std::uint64_t end = region_.growthStart();
    const std::uint64_t tail = blocks_.freeBytesEndingAt(end);
    for (int attempt = 0; attempt < 2; ++attempt) {
      const std::uint64_t need = counter + (attempt != 0 ? bytes : bytes > tail ? bytes - tail : 0);
      const std::uint64_t room = maxBytes_ - reserved_;
      const std::uint64_t fewest = std::max<std::uint64_t>(1, (need + kPageSize - 1) / kPageSize);
      if (fewest > room / kPageSize) return kNoBlock;
      std::uint64_t pages = std::clamp<std::uint64_t>((growthStep(need) + kPageSize - 1) / kPageSize, fewest,
                                                      room / kPageSize);
      std::uint64_t begin = region_.grow(pages, maxBytes_);
      if (begin == 0 && pages > fewest) begin = region_.grow(pages = fewest, maxBytes_);
      if (begin == 0) return kNoBlock;
      blocks_.addRange(begin, begin + pages * kPageSize);
      reserved_ += pages * kPageSize;
      if (counterOffset_ == 0) makeReleaseCounter();
      if (!wanted) return kNoBlock;
      const std::uint32_t block = blocks_.take(cls, dirty);
      if (block != kNoBlock) return block;
      // The pages did not come where memory usually grows (a backend that
      // places them anywhere): one more growth that holds the whole block.
    }
    return kNoBlock;
  }

  static constexpr std::uint64_t kCounterBytes = 64;
  // The release counter takes the first cache line of the first range (a 4-byte
  // counter in 64 bytes), so that the blocks after it start cache-line aligned
  // as before it existed: a 1 KiB block 16 bytes off a line zeroed at 0.76x the
  // speed of an aligned one natively (alloc_release/Linear/1024).
  void makeReleaseCounter() noexcept {
    std::uint32_t dirty;
    const std::uint32_t block = blocks_.take(SizeClasses::ceil(kCounterBytes), dirty);
    Block& b = blocks_[block];
    b.state = BlockState::Live;
    b.owner = BlockOwner::Internal;
    counterOffset_ = b.offset;
    PBUF_UNPOISON(pointer(b.offset), b.size);
    releaseCounter_ = reinterpret_cast<std::uint32_t*>(pointer(b.offset));
    *releaseCounter_ = uncountedReleases_;
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

  struct CacheList {
    std::uint32_t head = kNoBlock;  // a stack through Block::nextFree
    std::uint32_t count = 0;
  };

  // Region arithmetic is 64-bit so that nothing wraps near 2^32 on wasm32.
  std::uint64_t initialBytes_ = 0, maxBytes_ = 0;
  std::uint64_t reserved_ = 0, inUse_ = 0, peak_ = 0;
  std::size_t live_ = 0;
  std::uint32_t generation_ = 0;  // the last block's generation
  std::uint32_t counterOffset_ = 0;
  std::uint32_t uncountedReleases_ = 0;  // the counter before the region exists
  std::uint32_t* releaseCounter_ = &uncountedReleases_;
  bool bookkeepingFailed_ = false;  // why the last allocation from free space failed, for the message
  CacheList cache_[kCachedClasses];
  std::uint64_t cachedBytes_ = 0;
  detail::BlockStore blocks_;
  detail::LinearRegion region_;
};

}  // namespace platform_buffer
