// Ownership: value type, no threads. The CAF-free result type of store/, adapters/, config/,
// rules/ and sim/: a code plus a human message. Actors translate it to caf::error at their edge.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace m365 {

/// What went wrong, independent of the area. Each area maps its own failures onto these.
enum class status_code : uint8_t {
  ok = 0,
  invalid_argument,  ///< bad input from a caller, user or config file
  not_found,         ///< a key, tenant, user or route that does not exist
  already_exists,
  io_error,          ///< file system, socket or LMDB I/O failure (often transient)
  corrupted,         ///< data that cannot be decoded; sticky for the store
  map_full,          ///< LMDB map full even after growing
  version_mismatch,  ///< schema or record version this build cannot read
  unavailable,       ///< a remote service or an actor is not reachable right now
  permission_denied,
  timeout,
  internal,          ///< a bug: an invariant did not hold
};

/// Human name of a status code, e.g. "not_found".
const char* to_string(status_code code) noexcept;

/// Result of an operation with no value. Cheap when ok (no allocation).
class status {
public:
  status() = default;
  status(status_code code, std::string message) : code_(code), message_(std::move(message)) {}

  static status ok() { return {}; }
  static status invalid_argument(std::string m) { return {status_code::invalid_argument, std::move(m)}; }
  static status not_found(std::string m) { return {status_code::not_found, std::move(m)}; }
  static status already_exists(std::string m) { return {status_code::already_exists, std::move(m)}; }
  static status io_error(std::string m) { return {status_code::io_error, std::move(m)}; }
  static status corrupted(std::string m) { return {status_code::corrupted, std::move(m)}; }
  static status map_full(std::string m) { return {status_code::map_full, std::move(m)}; }
  static status version_mismatch(std::string m) { return {status_code::version_mismatch, std::move(m)}; }
  static status unavailable(std::string m) { return {status_code::unavailable, std::move(m)}; }
  static status permission_denied(std::string m) { return {status_code::permission_denied, std::move(m)}; }
  static status timeout(std::string m) { return {status_code::timeout, std::move(m)}; }
  static status internal(std::string m) { return {status_code::internal, std::move(m)}; }

  bool is_ok() const noexcept { return code_ == status_code::ok; }
  explicit operator bool() const noexcept { return is_ok(); }
  status_code code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

  /// "not_found: tenant 'contoso' does not exist", or "ok".
  std::string to_string() const;

private:
  status_code code_ = status_code::ok;
  std::string message_;
};

} // namespace m365
