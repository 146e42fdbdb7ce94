// Ownership: value type, no threads. A value or the status that explains why there is none.
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "messages/status.hpp"

namespace m365 {

/// Either a T or a non-ok status. Never throws: check `has_value()` before `value()`.
template <class T>
class expected {
public:
  expected(T value) : value_(std::move(value)) {}
  expected(status error) : error_(std::move(error)) { assert(!error_.is_ok()); }

  bool has_value() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { assert(value_); return *value_; }
  const T& value() const& { assert(value_); return *value_; }
  T&& value() && { assert(value_); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  /// The failure; `status::ok()` when a value is present.
  const status& error() const noexcept { return error_; }

private:
  std::optional<T> value_;
  status error_;
};

} // namespace m365
