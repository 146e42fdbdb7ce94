// RAII handles and the one mapping of LMDB codes to statuses.
#include "store/lmdb_env.hpp"

#include <cerrno>
#include <cstring>

namespace m365::lmdb {

status to_status(int rc, std::string_view what) {
  if (rc == MDB_SUCCESS) return status::ok();
  std::string message{what};
  message += ": ";
  message += mdb_strerror(rc);
  switch (rc) {
    case MDB_NOTFOUND: return status::not_found(std::move(message));
    case MDB_MAP_FULL: return status::map_full(std::move(message));
    case MDB_PANIC:
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_BAD_TXN:
    case MDB_INVALID: return status::corrupted(std::move(message));
    case MDB_VERSION_MISMATCH: return status::version_mismatch(std::move(message));
    case MDB_BAD_VALSIZE:
    case MDB_KEYEXIST:
    case EINVAL: return status::invalid_argument(std::move(message));
    case MDB_READERS_FULL:
    case MDB_MAP_RESIZED:
    case MDB_TXN_FULL:
    case MDB_DBS_FULL:
    case EAGAIN:
    case EBUSY: return status::unavailable(std::move(message));
    case EACCES:
    case EPERM: return status::permission_denied(std::move(message));
    case ENOENT: return status::not_found(std::move(message));
    default: return status::io_error(std::move(message));
  }
}

bool is_fatal(int rc) noexcept {
  return rc == MDB_PANIC || rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_BAD_TXN ||
         rc == MDB_INVALID;
}

env& env::operator=(env&& other) noexcept {
  if (this != &other) {
    reset();
    handle_ = other.handle_;
    other.handle_ = nullptr;
  }
  return *this;
}

void env::reset() noexcept {
  if (handle_ != nullptr) {
    mdb_env_close(handle_);
    handle_ = nullptr;
  }
}

txn& txn::operator=(txn&& other) noexcept {
  if (this != &other) {
    abort();
    handle_ = other.handle_;
    other.handle_ = nullptr;
  }
  return *this;
}

int txn::begin(MDB_env* env, unsigned flags) noexcept {
  abort();
  return mdb_txn_begin(env, nullptr, flags, &handle_);
}

int txn::commit() noexcept {
  auto* handle = handle_;
  handle_ = nullptr;
  return handle == nullptr ? EINVAL : mdb_txn_commit(handle);
}

void txn::abort() noexcept {
  if (handle_ != nullptr) {
    mdb_txn_abort(handle_);
    handle_ = nullptr;
  }
}

int cursor::open(MDB_txn* txn, MDB_dbi dbi) noexcept {
  close();
  return mdb_cursor_open(txn, dbi, &handle_);
}

void cursor::close() noexcept {
  if (handle_ != nullptr) {
    mdb_cursor_close(handle_);
    handle_ = nullptr;
  }
}

int cursor::seek(std::string_view key, MDB_val& k, MDB_val& v) noexcept {
  // LMDB refuses zero-length keys: an empty prefix means "from the first key".
  if (key.empty()) return mdb_cursor_get(handle_, &k, &v, MDB_FIRST);
  k = to_val(key);
  return mdb_cursor_get(handle_, &k, &v, MDB_SET_RANGE);
}

std::string prefix_end(std::string_view prefix) {
  std::string out{prefix};
  while (!out.empty()) {
    auto& last = out.back();
    if (static_cast<unsigned char>(last) != 0xff) {
      last = static_cast<char>(static_cast<unsigned char>(last) + 1);
      return out;
    }
    out.pop_back();
  }
  return out;
}

} // namespace m365::lmdb
