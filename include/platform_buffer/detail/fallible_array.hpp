// The container behind LinearMemoryAllocator's bookkeeping: an array of
// trivially copyable elements whose growth reports failure instead of
// throwing or aborting.
//
// std::vector grows through operator new, which under -fno-exceptions (the
// default on wasm32) aborts the program when memory runs out ("bad_alloc was
// thrown in -fno-exceptions mode"), after the allocator may already have
// committed half a change. Here growth is an explicit reserve() that returns
// false and changes nothing, so the allocator obtains what an operation needs
// before it commits anything, and push/resize never allocate.
//
// Memory comes from realloc through bookkeepingRealloc(), a hook that tests
// replace to make any chosen bookkeeping allocation fail.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <type_traits>

namespace platform_buffer::detail {

// realloc's contract: the new block, or nullptr with the old one untouched.
using BookkeepingRealloc = void* (*)(void* old, std::size_t bytes) noexcept;

inline void* systemRealloc(void* old, std::size_t bytes) noexcept { return std::realloc(old, bytes); }

// The function every bookkeeping allocation goes through (tests only replace it).
inline BookkeepingRealloc& bookkeepingRealloc() noexcept {
  static BookkeepingRealloc hook = &systemRealloc;
  return hook;
}

template <class T>
class FallibleArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  FallibleArray() noexcept = default;
  FallibleArray(const FallibleArray&) = delete;
  FallibleArray& operator=(const FallibleArray&) = delete;
  ~FallibleArray() { std::free(data_); }

  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }

  // Room for `count` elements in all. Grows by half again (or to `count`, or
  // when that much cannot be had, to exactly `count`). False when memory
  // cannot be had: then nothing changed.
  [[nodiscard]] bool reserve(std::size_t count) noexcept {
    if (count <= capacity_) return true;
    constexpr std::size_t most = SIZE_MAX / sizeof(T);
    if (count > most) return false;
    const std::size_t grown = std::max({count, std::min(most, capacity_ + capacity_ / 2), std::size_t{8}});
    if (regrow(grown)) return true;
    return grown != count && regrow(count);
  }

  // Only within capacity(): callers reserve first.
  void push_back(const T& value) noexcept { data_[size_++] = value; }
  void pop_back() noexcept { --size_; }
  T& back() noexcept { return data_[size_ - 1]; }
  // Grows (filling with `value`) or shrinks to `count`, within capacity().
  void resize(std::size_t count, const T& value) noexcept {
    for (std::size_t i = size_; i < count; ++i) data_[i] = value;
    size_ = count;
  }

 private:
  bool regrow(std::size_t count) noexcept {
    void* p = bookkeepingRealloc()(data_, count * sizeof(T));
    if (!p) return false;
    data_ = static_cast<T*>(p);
    capacity_ = count;
    return true;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0, capacity_ = 0;
};

}  // namespace platform_buffer::detail
