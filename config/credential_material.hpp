// Ownership: plain value holding secrets; copy sparingly and never log it (it has no
// operator<< on purpose). Read-only after load.
#pragma once

#include <string>

#include "messages/expected.hpp"
#include "messages/tenant.hpp"

namespace m365 {

/// A tenant's credential as read from the config file (file contents already loaded). Exactly
/// one form is set: a client secret, or a certificate with its private key. This is what gets
/// sealed into the store (secret_box, tenant id as associated data); only the token actor opens
/// it again.
struct credential_material {
  std::string client_id;        ///< application (client) id; not a secret
  std::string client_secret;    ///< client-secret form
  std::string certificate_pem;  ///< certificate form: the PEM certificate (chain)
  std::string private_key_pem;  ///< certificate form: its PEM private key

  credential_kind kind() const noexcept;

  friend bool operator==(const credential_material& a, const credential_material& b) {
    return a.client_id == b.client_id && a.client_secret == b.client_secret
           && a.certificate_pem == b.certificate_pem && a.private_key_pem == b.private_key_pem;
  }
  friend bool operator!=(const credential_material& a, const credential_material& b) {
    return !(a == b);
  }
};

/// The plaintext that is sealed: a compact JSON object
/// {"v":1,"client_id":…,"client_secret":…} or {"v":1,"client_id":…,"certificate":…,"private_key":…}.
std::string encode_credential(const credential_material& material);

/// The inverse of encode_credential. Errors never quote the input.
expected<credential_material> decode_credential(const std::string& plaintext);

/// Checks that `certificate_pem` holds an X.509 certificate, `private_key_pem` a private key,
/// and that the key belongs to the certificate (OpenSSL). Ok for the client-secret form.
/// The message names what is wrong, never the material.
status check_certificate_pair(const credential_material& material);

} // namespace m365
