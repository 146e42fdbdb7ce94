// Ownership: thin RAII owners of LMDB handles. A txn and its cursors belong to the thread that
// uses them (the environment is opened with MDB_NOTLS, so read transactions are not tied to
// threads, but one transaction is never used by two threads at once).
// Maps LMDB return codes to m365::status once, here.
#pragma once

#include <string>
#include <string_view>

#include <lmdb.h>

#include "messages/status.hpp"

namespace m365::lmdb {

/// Status of an LMDB return code; `what` names the operation ("put emails", "commit").
status to_status(int rc, std::string_view what);

/// True for codes after which the environment must not be written again: MDB_PANIC,
/// MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_BAD_TXN, MDB_INVALID.
bool is_fatal(int rc) noexcept;

inline MDB_val to_val(std::string_view s) noexcept {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}

inline std::string_view to_view(const MDB_val& v) noexcept {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

/// Owns an MDB_env; closes it on destruction.
class env {
public:
  env() = default;
  explicit env(MDB_env* handle) noexcept : handle_(handle) {}
  ~env() { reset(); }
  env(env&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
  env& operator=(env&& other) noexcept;
  env(const env&) = delete;
  env& operator=(const env&) = delete;

  MDB_env* get() const noexcept { return handle_; }
  void reset() noexcept;

private:
  MDB_env* handle_ = nullptr;
};

/// Owns an MDB_txn; aborts it on destruction unless committed.
class txn {
public:
  txn() = default;
  ~txn() { abort(); }
  txn(txn&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
  txn& operator=(txn&& other) noexcept;
  txn(const txn&) = delete;
  txn& operator=(const txn&) = delete;

  /// Begins a transaction; returns the raw LMDB code (MDB_MAP_RESIZED must be told apart).
  int begin(MDB_env* env, unsigned flags) noexcept;
  /// Commits; the handle is released whatever the outcome (LMDB frees a failed txn).
  int commit() noexcept;
  void abort() noexcept;

  MDB_txn* get() const noexcept { return handle_; }
  explicit operator bool() const noexcept { return handle_ != nullptr; }

private:
  MDB_txn* handle_ = nullptr;
};

/// Owns an MDB_cursor; must be destroyed before its transaction ends.
class cursor {
public:
  cursor() = default;
  ~cursor() { close(); }
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;

  int open(MDB_txn* txn, MDB_dbi dbi) noexcept;
  void close() noexcept;
  MDB_cursor* get() const noexcept { return handle_; }

  /// Positions at the first key >= `key`; MDB_NOTFOUND when none.
  int seek(std::string_view key, MDB_val& k, MDB_val& v) noexcept;
  int next(MDB_val& k, MDB_val& v) noexcept { return mdb_cursor_get(handle_, &k, &v, MDB_NEXT); }
  int prev(MDB_val& k, MDB_val& v) noexcept { return mdb_cursor_get(handle_, &k, &v, MDB_PREV); }
  int last(MDB_val& k, MDB_val& v) noexcept { return mdb_cursor_get(handle_, &k, &v, MDB_LAST); }

private:
  MDB_cursor* handle_ = nullptr;
};

/// True when `key` starts with `prefix`.
inline bool has_prefix(std::string_view key, std::string_view prefix) noexcept {
  return key.size() >= prefix.size() && key.compare(0, prefix.size(), prefix) == 0;
}

/// The smallest key greater than every key starting with `prefix` (empty = none: the prefix
/// is all 0xff bytes).
std::string prefix_end(std::string_view prefix);

} // namespace m365::lmdb
