// Ownership: plain value, copied into the server at start. What the simulator serves and how.
#pragma once

#include <cstdint>
#include <string>

namespace m365::sim {

/// Start-up options of a simulator instance (CLI flags of `m365sim` map 1:1 onto these).
struct server_options {
  /// Address to bind. Default: loopback only.
  std::string host = "127.0.0.1";
  /// Port; 0 picks a free one (read it back from `server::port()`).
  uint16_t port = 0;
  /// Seed of all generated data (and of faults unless the profile sets its own). Default: 1.
  uint64_t seed = 1;
  /// Number of tenants (2..N share client domains). Default: 2.
  uint32_t tenants = 2;
  /// Users (mailboxes) per tenant. Default: 3.
  uint32_t users = 3;
  /// Seeded messages per mailbox, spread over inbox/sentitems/archive/deleteditems. Default: 50.
  uint32_t messages = 50;
  /// Seeded calendar items (singles and series masters) per mailbox. Default: 20.
  uint32_t events = 20;
  /// Unix seconds that "now" means for generated dates (messages before it, events around it).
  /// Default 0: today 00:00 UTC, so the same seed gives the same data all day.
  int64_t anchor_time = 0;
  /// asio threads serving requests. Default: 2.
  unsigned threads = 2;
  /// Fault profile JSON text (see fault_profile.hpp); empty = no faults.
  std::string faults_json;
  /// TLS: PEM certificate chain and private key (files). Both empty = plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
  /// TLS from memory (in-process tests); used when the file fields are empty.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  /// Lifetime of issued access tokens in seconds (a fault profile may shorten it). Default: 3599.
  int64_t token_lifetime_s = 3599;
  /// Throttling per (app, mailbox). Defaults are Graph's Outlook limits.
  unsigned max_concurrent_per_mailbox = 4;
  uint32_t max_requests_per_window = 10000;
  int64_t throttle_window_s = 600;
  /// Requests arriving this soon after a Retry-After was issued are not counted as early: the
  /// client had sent them before the 429 could reach it. Default: 100 ms.
  uint32_t early_grace_ms = 100;
  /// Generate an RSA key and certificate per tenant (for JWT client assertions). Default: true.
  bool tenant_certificates = true;
};

} // namespace m365::sim
