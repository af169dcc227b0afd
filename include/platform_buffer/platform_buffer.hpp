// platform_buffer: byte buffers with one API natively and on wasm32.
//
// This umbrella header includes every public header but the two marked (*),
// which a program includes itself where it needs them. Everything is in
// namespace platform_buffer; detail/ holds internals.
//
//   header                 what it declares
//   version.hpp            PLATFORM_BUFFER_VERSION (and _MAJOR, _MINOR, _PATCH)
//   config.hpp             the PLATFORM_BUFFER_* configuration macros
//   byte_order.hpp         ByteOrder {BigEndian, LittleEndian}, nativeByteOrder;
//                          endian::load, endian::store (one value at a pointer)
//   errors.hpp             BufferUnderflowException, BufferOverflowException,
//                          MalformedTextException, OutOfMemoryError; ErrorKind,
//                          ErrorHandler, setErrorHandler, errorHandler
//   text.hpp               Charset {UTF8, UTF16BigEndian, UTF16LittleEndian,
//                          UTF32BigEndian, UTF32LittleEndian, ASCII, ISOLatin1},
//                          charsetName; utf8::validPrefix, utf8::isValid
//   buffer_core.hpp        BufferCore<Self>: every read, write, view and
//                          conversion of every buffer type, written once
//   byte_array_buffer.hpp  ByteArrayBuffer: the Heap zone (a std::vector)
//   linear_memory.hpp      LinearMemoryAllocator, LinearMemoryStats
//   linear_buffer.hpp      LinearBuffer: the Direct and SharedMemory zones
//                          (wasm32 linear memory; simulated natively)
//   conversions.hpp        NativeData, MutableNativeData (what toNativeData()
//                          and toMutableNativeData() return)
//   front_end.hpp          PlatformBuffer (either zone, chosen at run time),
//                          AllocationZone {Heap, Direct, SharedMemory}, zoneName
//   pool.hpp               BufferPool, BufferPoolStats
//   stream.hpp             StreamProcessor: values parsed across chunks
//   host_exchange.hpp      host::Status, host::Result, host::adoptInput,
//                          host::returnToHost, host::tryAllocate,
//                          PLATFORM_BUFFER_EXPORT (any translation unit)
//   host_abi.hpp (*)       the exports platform_buffer_alloc, platform_buffer_free,
//                          cabi_realloc: in exactly one translation unit per module
//   component.hpp (*)      Component Model exports of WIT functions (wasm32)
//
// tests/headers/ compiles each header alone and checks that this list and the
// includes below name every header there is.
#pragma once

#include "version.hpp"
#include "config.hpp"
#include "byte_order.hpp"
#include "errors.hpp"
#include "text.hpp"
#include "buffer_core.hpp"
#include "byte_array_buffer.hpp"
#include "linear_memory.hpp"
#include "linear_buffer.hpp"
#include "conversions.hpp"
#include "front_end.hpp"
#include "pool.hpp"
#include "stream.hpp"
#include "host_exchange.hpp"
