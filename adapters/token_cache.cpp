// Ownership: see header.
#include "adapters/token_cache.hpp"

#include <algorithm>

namespace m365 {

token_cache::token_cache(token_cache_settings settings, fetch_fn fetch,
                         std::function<clock::time_point()> now)
  : settings_(settings), fetch_(std::move(fetch)), now_(std::move(now)) {}

void token_cache::get_token(bool force_refresh, callback done) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto now = now_();
  const bool valid = token_ && now < token_->expires_at;
  const bool fresh = valid && now < token_->expires_at - settings_.refresh_ahead;
  if (valid && !force_refresh) {
    // Refresh ahead: serve the cached token and renew it in the background.
    if (!fresh && !in_flight_ && now >= next_attempt_)
      start_fetch_locked();
    std::string value = token_->value;
    lock.unlock();
    done(std::move(value));
    return;
  }
  if (!in_flight_ && now < next_attempt_ && failure_) {
    // Backing off after a failure: do not hammer the identity platform.
    status err{status_code::unavailable, failure_->message};
    lock.unlock();
    done(std::move(err));
    return;
  }
  waiters_.push_back(std::move(done));
  if (!in_flight_)
    start_fetch_locked();
  // A forced refresh joins a fetch already in flight (it started after the token was issued).
}

void token_cache::start_fetch_locked() {
  in_flight_ = true;
  ++fetches_;
  // The fetch may complete synchronously: call it without holding the lock.
  auto fetch = fetch_;
  mutex_.unlock();
  fetch([this](token_outcome out) { on_fetched(std::move(out)); });
  mutex_.lock();
}

void token_cache::on_fetched(token_outcome out) {
  std::vector<callback> waiters;
  std::optional<std::string> value;
  status err;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    in_flight_ = false;
    waiters.swap(waiters_);
    if (out.ok) {
      token_ = out.token;
      failure_.reset();
      backoff_ = std::chrono::seconds{0};
      next_attempt_ = {};
      value = token_->value;
    } else {
      backoff_ = out.transient
                   ? std::clamp(backoff_ * 2, settings_.retry_min, settings_.retry_max)
                   : settings_.retry_max;
      next_attempt_ = now_() + backoff_;
      failure_ = out;
      err = status{status_code::unavailable, out.message};
    }
  }
  for (auto& w : waiters) {
    if (value)
      w(*value);
    else
      w(err);
  }
}

std::optional<token_outcome> token_cache::last_failure() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failure_;
}

token_cache::clock::time_point token_cache::expires_at() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return token_ ? token_->expires_at : clock::time_point{};
}

uint64_t token_cache::fetches() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fetches_;
}

} // namespace m365
