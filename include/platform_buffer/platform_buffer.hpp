// platform_buffer: byte buffers with one API natively and on wasm32.
// The umbrella header; each concept also has its own header beside this one.
#pragma once

#include "byte_order.hpp"
#include "errors.hpp"
#include "utf8.hpp"
#include "buffer_core.hpp"
#include "byte_array_buffer.hpp"
#include "linear_memory.hpp"
#include "linear_buffer.hpp"
#include "front_end.hpp"
#include "conversions.hpp"
#include "pool.hpp"
#include "stream.hpp"
