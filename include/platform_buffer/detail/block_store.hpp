// The free-space structure of LinearMemoryAllocator: every block of the
// region, free or handed out, as a record off linear memory, so nothing a
// host writes into linear memory can corrupt it.
//
//  - Records of blocks that touch in memory are linked (prev/next), so a
//    block released next to free ones merges with them at once: boundary
//    tags kept beside the memory instead of inside it. The region may be
//    made of chunks anywhere in the address space; a chain ends at a chunk's
//    edge, and a new range that touches a chunk joins it.
//  - Free blocks wait on one list per size class (the classes below), with a
//    bitmap of the non-empty lists: a request of class c takes any block of
//    the first non-empty list from c up, which always fits (a two-level
//    segregated fit, TLSF, with the allocator's size classes as its levels).
//  - A page index maps each 64 KiB page to the block that holds the page's
//    first byte, so the block containing any offset is found by a walk of at
//    most the blocks of one page. Merging keeps the larger record and
//    re-points only the pages of the smaller one, so the index costs work in
//    proportion to the smaller of the blocks involved.
//  - Free memory is zero unless it was handed out before: each free block
//    knows how many of its first bytes may hold old data (`dirty`), so only
//    those are cleared when it is handed out again.
//
// Every operation that can need memory for records has a reserve step that
// the allocator calls first; take/release/addRange themselves never allocate.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>

#include "fallible_array.hpp"

namespace platform_buffer::detail {

inline constexpr std::uint32_t kNoBlock = UINT32_MAX;

// Block sizes: 16-byte granules, exact up to 128 bytes, then four classes per
// power of two (so a block is at most 25% larger than asked).
struct SizeClasses {
  static constexpr std::uint64_t kGranule = 16;
  static constexpr std::uint32_t kCount = 112;  // enough for 4 GiB

  // The smallest class of at least `size` bytes.
  static constexpr std::uint32_t ceil(std::uint64_t size) noexcept {
    const std::uint64_t g = size == 0 ? 1 : (size + kGranule - 1) / kGranule;
    if (g <= 8) return static_cast<std::uint32_t>(g - 1);
    const auto log = static_cast<std::uint32_t>(std::bit_width(g - 1) - 1);
    const auto sub = static_cast<std::uint32_t>(((g - 1) >> (log - 2)) & 3);
    return 8 + (log - 3) * 4 + sub;
  }
  static constexpr std::uint64_t bytes(std::uint32_t cls) noexcept {
    if (cls < 8) return (cls + 1) * kGranule;
    const std::uint32_t log = (cls - 8) / 4 + 3, sub = (cls - 8) % 4;
    return (std::uint64_t{5 + sub} << (log - 2)) * kGranule;
  }
  // The largest class of at most `size` bytes (size >= kGranule): the list a
  // free block of that size waits on. Every block on list c fits a request of class c.
  static constexpr std::uint32_t floor(std::uint64_t size) noexcept {
    const std::uint32_t c = ceil(size);
    return bytes(c) > size ? c - 1 : c;
  }
};

enum class BlockState : std::uint8_t {
  Unused,  // a record not in use (on the store's stack of spare records)
  Free,    // on a free list
  Cached,  // released, held by the allocator's cache of recent blocks (unmerged)
  Live,    // handed out
};

// Who a live block belongs to (the allocator's business; kept in the record).
enum class BlockOwner : std::uint8_t {
  Buffer,    // LinearBuffers (the buffer and its views): freed with the last reference
  Host,      // the host, through platform_buffer_free
  Internal,  // the allocator itself (the release counter)
};

struct Block {
  std::uint32_t offset = 0, size = 0;                   // [offset, offset + size) of linear memory
  std::uint32_t prev = kNoBlock, next = kNoBlock;       // the blocks that touch it in its chunk
  std::uint32_t prevFree = kNoBlock, nextFree = kNoBlock;  // free: its list; cached/unused: the next on a stack
  std::uint32_t dirty = 0;       // free: bytes from `offset` on that may hold old data (the rest are zero)
  std::uint32_t generation = 0;  // live: this lifetime's nonzero id
  std::uint32_t references = 0;  // live buffer block: the buffer and its views
  BlockState state = BlockState::Unused;
  BlockOwner owner = BlockOwner::Buffer;
  std::uint8_t cls = 0;  // free: its list; live and cached: its size class (size == SizeClasses::bytes(cls))
  // The host gave the block at `offset` back (freed it, or passed it to the
  // guest as input): a later free of `offset` is a double free. Whoever moves
  // `offset` clears it.
  bool releasedByHost = false;
};

class BlockStore {
 public:
  static constexpr std::uint64_t kPageBytes = 65536;

  BlockStore() noexcept { std::fill(std::begin(heads_), std::end(heads_), kNoBlock); }
  BlockStore(const BlockStore&) = delete;
  BlockStore& operator=(const BlockStore&) = delete;

  // Records by index; recordCount() of them, some Unused.
  std::uint32_t recordCount() const noexcept { return static_cast<std::uint32_t>(records_.size()); }
  Block& operator[](std::uint32_t i) noexcept { return records_[i]; }
  const Block& operator[](std::uint32_t i) const noexcept { return records_[i]; }

  // ---- reservations: false when the records cannot grow (nothing changes) --
  // How many records can be made before the records must grow.
  std::size_t spareRecords() const noexcept { return spareCount_ + (records_.capacity() - records_.size()); }
  // Room for `spare` more records.
  [[nodiscard]] bool reserveRecords(std::size_t spare) noexcept {
    if (spareRecords() >= spare) return true;
    return records_.reserve(records_.size() + spare - spareCount_);
  }
  // The page index covers offsets [0, end).
  [[nodiscard]] bool coverAddresses(std::uint64_t end) noexcept {
    const std::uint64_t pages = (end + kPageBytes - 1) / kPageBytes;
    if (pages <= pages_.size()) return true;
    if (!pages_.reserve(static_cast<std::size_t>(pages))) return false;
    pages_.resize(static_cast<std::size_t>(pages), kNoBlock);
    return true;
  }

  // ---- lookups ---------------------------------------------------------------
  // The block (of any state) containing byte `offset`, or kNoBlock when the
  // offset is not in the region.
  std::uint32_t find(std::uint64_t offset) const noexcept {
    const std::uint64_t page = offset / kPageBytes;
    if (page >= pages_.size()) return kNoBlock;
    std::uint32_t b = pages_[static_cast<std::size_t>(page)];
    while (b != kNoBlock && end(b) <= offset) b = records_[b].next;
    return b;
  }

  // The size of the free block that ends exactly at `end`, or 0.
  std::uint64_t freeBytesEndingAt(std::uint64_t end) const noexcept {
    if (end == 0) return 0;
    const std::uint32_t b = find(end - 1);
    return b != kNoBlock && records_[b].state == BlockState::Free && this->end(b) == end ? records_[b].size : 0;
  }

  // ---- free space ------------------------------------------------------------
  // Carves a block of class `cls` from the front of a free block on the first
  // non-empty list from `cls` up. Returns it (state Free still: the caller
  // sets it) and, in `dirty`, how many of its first bytes may hold old data;
  // kNoBlock when no free block is large enough. Needs one spare record.
  std::uint32_t take(std::uint32_t cls, std::uint32_t& dirty) noexcept {
    const std::uint32_t list = firstListFrom(cls);
    if (list == SizeClasses::kCount) return kNoBlock;
    const std::uint32_t f = heads_[list];
    unlink(f);
    const auto bytes = static_cast<std::uint32_t>(SizeClasses::bytes(cls));
    Block& free = records_[f];
    if (free.size == bytes) {  // an exact fit: the free block itself
      dirty = free.dirty;
      free.cls = static_cast<std::uint8_t>(cls);
      return f;
    }
    const std::uint32_t a = newRecord();
    Block& taken = records_[a];
    taken = Block{};
    taken.offset = free.offset;
    taken.size = bytes;
    taken.cls = static_cast<std::uint8_t>(cls);
    taken.state = BlockState::Free;
    taken.prev = free.prev;
    taken.next = f;
    if (free.prev != kNoBlock) records_[free.prev].next = a;
    free.prev = a;
    free.offset += bytes;
    free.size -= bytes;
    dirty = std::min(free.dirty, bytes);
    free.dirty = free.dirty > bytes ? free.dirty - bytes : 0;
    free.releasedByHost = false;
    point(a, taken.offset, end(a));
    link(f);
    return a;
  }

  // A taken (live or cached) block becomes free: all of it may hold old data.
  // It merges with free neighbours; its record may be recycled.
  void release(std::uint32_t b) noexcept {
    Block& block = records_[b];
    block.state = BlockState::Free;
    block.dirty = block.size;
    coalesce(b);
  }

  // Adds new, zeroed memory [begin, end) (page-aligned, not in the region) as
  // free space, joined to the chunks it touches. Needs one spare record and
  // the index covering `end`.
  void addRange(std::uint64_t begin, std::uint64_t end) noexcept {
    const std::uint32_t r = newRecord();
    Block& range = records_[r];
    range = Block{};
    range.offset = static_cast<std::uint32_t>(begin);
    range.size = static_cast<std::uint32_t>(end - begin);
    range.state = BlockState::Free;
    const std::uint32_t before = begin == 0 ? kNoBlock : find(begin - 1);  // the last block of a chunk ending at `begin`
    const std::uint32_t after = find(end);                               // the first block of a chunk starting at `end`
    point(r, begin, end);
    range.prev = before;
    range.next = after;
    if (before != kNoBlock) records_[before].next = r;
    if (after != kNoBlock) records_[after].prev = r;
    coalesce(r);
  }

  // Checks every invariant of the structure (for tests and fuzzers): the
  // chains, the lists, the index. Returns what is wrong, or nullptr.
  const char* inconsistency() const noexcept;

 private:
  std::uint64_t end(std::uint32_t b) const noexcept { return std::uint64_t{records_[b].offset} + records_[b].size; }

  std::uint32_t newRecord() noexcept {
    if (spare_ != kNoBlock) {
      const std::uint32_t r = spare_;
      spare_ = records_[r].nextFree;
      --spareCount_;
      return r;
    }
    records_.push_back(Block{});
    return static_cast<std::uint32_t>(records_.size() - 1);
  }
  void dropRecord(std::uint32_t r) noexcept {
    records_[r].state = BlockState::Unused;
    records_[r].nextFree = spare_;
    spare_ = r;
    ++spareCount_;
  }

  // The pages whose first byte is in [begin, end) are now in block `b`.
  void point(std::uint32_t b, std::uint64_t begin, std::uint64_t end) noexcept {
    for (std::uint64_t page = (begin + kPageBytes - 1) / kPageBytes; page * kPageBytes < end; ++page)
      pages_[static_cast<std::size_t>(page)] = b;
  }

  void link(std::uint32_t b) noexcept {
    Block& block = records_[b];
    const std::uint32_t list = SizeClasses::floor(block.size);
    block.cls = static_cast<std::uint8_t>(list);
    block.prevFree = kNoBlock;
    block.nextFree = heads_[list];
    if (heads_[list] != kNoBlock) records_[heads_[list]].prevFree = b;
    heads_[list] = b;
    nonEmpty_[list / 64] |= std::uint64_t{1} << (list % 64);
  }
  void unlink(std::uint32_t b) noexcept {
    const Block& block = records_[b];
    if (block.prevFree != kNoBlock) records_[block.prevFree].nextFree = block.nextFree;
    else heads_[block.cls] = block.nextFree;
    if (block.nextFree != kNoBlock) records_[block.nextFree].prevFree = block.prevFree;
    if (heads_[block.cls] == kNoBlock) nonEmpty_[block.cls / 64] &= ~(std::uint64_t{1} << (block.cls % 64));
  }
  std::uint32_t firstListFrom(std::uint32_t cls) const noexcept {
    for (std::uint32_t word = cls / 64; word < kWords; ++word) {
      std::uint64_t bits = nonEmpty_[word];
      if (word == cls / 64) bits &= ~std::uint64_t{0} << (cls % 64);
      if (bits) return word * 64 + static_cast<std::uint32_t>(std::countr_zero(bits));
    }
    return SizeClasses::kCount;
  }

  // The free block `b` (on no list) merges with free neighbours, then goes on its list.
  void coalesce(std::uint32_t b) noexcept {
    const std::uint32_t prev = records_[b].prev;
    if (prev != kNoBlock && records_[prev].state == BlockState::Free) {
      unlink(prev);
      b = merge(prev, b);
    }
    const std::uint32_t next = records_[b].next;
    if (next != kNoBlock && records_[next].state == BlockState::Free) {
      unlink(next);
      b = merge(b, next);
    }
    link(b);
  }

  // Joins free `lower` and the free block right after it into one; keeps the
  // larger record (fewer pages to re-point) and returns it.
  std::uint32_t merge(std::uint32_t lower, std::uint32_t upper) noexcept {
    const Block& lo = records_[lower];
    const Block& up = records_[upper];
    const std::uint32_t keep = lo.size >= up.size ? lower : upper, drop = keep == lower ? upper : lower;
    Block joined = records_[keep];
    joined.offset = lo.offset;
    joined.size = lo.size + up.size;
    joined.dirty = up.dirty != 0 ? lo.size + up.dirty : lo.dirty;
    joined.releasedByHost = lo.releasedByHost;  // the flag belongs to the offset, which is lower's
    joined.prev = lo.prev;
    joined.next = up.next;
    const std::uint64_t dropBegin = records_[drop].offset, dropEnd = end(drop);
    records_[keep] = joined;
    if (joined.prev != kNoBlock) records_[joined.prev].next = keep;
    if (joined.next != kNoBlock) records_[joined.next].prev = keep;
    point(keep, dropBegin, dropEnd);
    dropRecord(drop);
    return keep;
  }

  static constexpr std::uint32_t kWords = (SizeClasses::kCount + 63) / 64;

  FallibleArray<Block> records_;
  std::uint32_t spare_ = kNoBlock;  // a stack of unused records, through nextFree
  std::size_t spareCount_ = 0;
  FallibleArray<std::uint32_t> pages_;  // per 64 KiB page: the block holding its first byte, or kNoBlock
  std::uint32_t heads_[SizeClasses::kCount];  // per size class: the first free block, or kNoBlock
  std::uint64_t nonEmpty_[kWords] = {};
};

inline const char* BlockStore::inconsistency() const noexcept {
  std::size_t onLists = 0, free = 0;
  for (std::uint32_t list = 0; list < SizeClasses::kCount; ++list) {
    const bool marked = (nonEmpty_[list / 64] >> (list % 64)) & 1;
    if (marked != (heads_[list] != kNoBlock)) return "a list's bit disagrees with its head";
    std::uint32_t prev = kNoBlock;
    for (std::uint32_t b = heads_[list]; b != kNoBlock; prev = b, b = records_[b].nextFree) {
      const Block& block = records_[b];
      if (block.state != BlockState::Free) return "a block on a free list is not free";
      if (block.cls != list || SizeClasses::floor(block.size) != list) return "a free block is on the wrong list";
      if (block.prevFree != prev) return "a free list's back link is wrong";
      if (++onLists > records_.size()) return "a free list has a cycle";
    }
  }
  for (std::uint32_t b = 0; b < records_.size(); ++b) {
    const Block& block = records_[b];
    if (block.state == BlockState::Unused) continue;
    if (block.size == 0 || block.offset % SizeClasses::kGranule != 0 || block.size % SizeClasses::kGranule != 0)
      return "a block is empty or not granule-aligned";
    if (block.state == BlockState::Free) {
      ++free;
      if (block.dirty > block.size) return "a free block has more dirty bytes than bytes";
      if (block.next != kNoBlock && records_[block.next].state == BlockState::Free) return "two free neighbours are not merged";
    } else if (block.size != SizeClasses::bytes(block.cls)) {
      return "a taken block's size is not its class's";
    }
    if (block.next != kNoBlock && (records_[block.next].prev != b || records_[block.next].offset != end(b)))
      return "a block's next neighbour does not follow it";
    if (block.prev != kNoBlock && (records_[block.prev].next != b || end(block.prev) != block.offset))
      return "a block's previous neighbour does not precede it";
    // The pages whose first byte the block holds point at it (so find() finds every byte).
    for (std::uint64_t page = (block.offset + kPageBytes - 1) / kPageBytes; page * kPageBytes < end(b); ++page)
      if (page >= pages_.size() || pages_[static_cast<std::size_t>(page)] != b) return "the page index misses a block";
    if (block.prev == kNoBlock && block.offset % kPageBytes != 0) return "a chunk does not start on a page";
    if (block.next == kNoBlock && end(b) % kPageBytes != 0) return "a chunk does not end on a page";
  }
  if (free != onLists) return "a free block is on no list";
  for (std::size_t page = 0; page < pages_.size(); ++page) {
    const std::uint32_t b = pages_[page];
    if (b == kNoBlock) continue;
    if (records_[b].state == BlockState::Unused) return "the page index names an unused record";
    if (records_[b].offset > page * kPageBytes || end(b) <= page * kPageBytes) return "the page index names a block that does not hold the page's first byte";
  }
  return nullptr;
}

}  // namespace platform_buffer::detail
