// Small-file reads and exclusive, fsynced creation with explicit permission bits.
#include "config/small_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace m365 {

namespace {

std::string describe_errno(int err) {
  return std::strerror(err);
}

} // namespace

expected<std::string> read_small_file(const std::string& path, size_t max_size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    auto msg = "cannot read '" + path + "': " + describe_errno(err);
    if (err == ENOENT) return status::not_found(std::move(msg));
    if (err == EACCES) return status::permission_denied(std::move(msg));
    return status::io_error(std::move(msg));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return status::invalid_argument("'" + path + "' is not a regular file");
  }
  if (static_cast<size_t>(st.st_size) > max_size) {
    ::close(fd);
    return status::invalid_argument("'" + path + "' is larger than " + std::to_string(max_size)
                                    + " bytes");
  }
  std::string content;
  content.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::read(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // shrank while reading: keep what is there
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  content.resize(done);
  return content;
}

status create_private_file(const std::string& path, const std::string& content, unsigned mode) {
  std::error_code ec;
  auto parent = std::filesystem::path{path}.parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return status::io_error("cannot create directory '" + parent.string() + "': "
                              + ec.message());
    }
    std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    int err = errno;
    auto msg = "cannot create '" + path + "': " + describe_errno(err);
    return err == EEXIST ? status::already_exists(std::move(msg)) : status::io_error(std::move(msg));
  }
  // The umask may have cleared bits of `mode`, never added any; set them exactly.
  ::fchmod(fd, mode);
  size_t done = 0;
  bool ok = true;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  int err = errno;
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    err = errno;
  }
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return status::io_error("cannot write '" + path + "': " + describe_errno(err));
  }
  return status::ok();
}

} // namespace m365
