// Ownership: free functions; safe from any thread (each call opens its own descriptor).
// Reading and writing the small files the config names: secrets, keys, certificates.
#pragma once

#include <cstddef>
#include <string>

#include "messages/expected.hpp"

namespace m365 {

/// The whole content of a regular file of at most `max_size` bytes. Errors name the path and
/// the reason (never the content).
expected<std::string> read_small_file(const std::string& path, size_t max_size);

/// Creates `path` exclusively (fails when it exists) with permission bits `mode`, writes
/// `content` and fsyncs it; on failure nothing is left behind. Parent directories that are
/// missing are created with mode 0700.
status create_private_file(const std::string& path, const std::string& content,
                           unsigned mode = 0600);

} // namespace m365
