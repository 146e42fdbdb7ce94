// Ownership: header-only, stateless functions; safe from any thread.
// Field-by-field comparison of messages/ records through their inspect() overloads, so a field
// added to a record later takes part in the comparison without anyone remembering to add it.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace m365 {

/// A minimal inspector (the shape of CAF 0.17's, without CAF) that appends every field of a record to a byte string.
/// Only for comparing records of the same type in one process; not a storage format.
class record_fingerprint {
public:
  using result_type = void;
  static constexpr bool reads_state = true;
  static constexpr bool writes_state = false;

  template <class... Ts>
  void operator()(Ts&&... xs) {
    (add(xs), ...);
  }

  const std::string& bytes() const noexcept { return bytes_; }

private:
  void add(const std::string& s) {
    add(static_cast<uint64_t>(s.size()));
    bytes_ += s;
  }

  template <class T>
  std::enable_if_t<std::is_arithmetic<T>::value || std::is_enum<T>::value> add(T x) {
    bytes_.append(reinterpret_cast<const char*>(&x), sizeof x);
  }

  template <class T>
  void add(const std::vector<T>& xs) {
    add(static_cast<uint64_t>(xs.size()));
    for (const auto& x : xs) add(x);
  }

  /// Nested records (participant, verdict, ...): through their own inspect(). The inspector
  /// only reads, so dropping const is safe.
  template <class T>
  auto add(const T& x) -> decltype(inspect(std::declval<record_fingerprint&>(),
                                           std::declval<T&>()),
                                   void()) {
    inspect(*this, const_cast<T&>(x));
  }

  std::string bytes_;
};

/// The fingerprint of one record (all its inspected fields, nested ones included).
template <class T>
std::string fingerprint_of(const T& x) {
  record_fingerprint f;
  inspect(f, const_cast<T&>(x));
  return f.bytes();
}

/// True when every inspected field of `a` and `b` is equal.
template <class T>
bool same_record(T a, T b) {
  record_fingerprint fa;
  record_fingerprint fb;
  inspect(fa, a);
  inspect(fb, b);
  return fa.bytes() == fb.bytes();
}

} // namespace m365
