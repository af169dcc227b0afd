// The library's version. CMakeLists.txt reads these three lines for
// project(VERSION ...), so the package version and the headers cannot disagree.
#pragma once

#define PLATFORM_BUFFER_VERSION_MAJOR 0
#define PLATFORM_BUFFER_VERSION_MINOR 1
#define PLATFORM_BUFFER_VERSION_PATCH 0

// One number that orders releases: major * 10000 + minor * 100 + patch
// (0.1.0 is 100), for #if PLATFORM_BUFFER_VERSION >= ...
#define PLATFORM_BUFFER_VERSION \
  (PLATFORM_BUFFER_VERSION_MAJOR * 10000 + PLATFORM_BUFFER_VERSION_MINOR * 100 + PLATFORM_BUFFER_VERSION_PATCH)
