// Sealed credential blob -> the adapters' client_credential.
#include "config/sealed_credentials.hpp"

#include "adapters/client_assertion.hpp"
#include "adapters/token_client.hpp"
#include "config/credential_material.hpp"
#include "store/lmdb_store.hpp"

namespace m365 {

expected<client_credential> open_sealed_credential(const lmdb_store& store,
                                                   const secret_box& box,
                                                   const tenant_settings& tenant) {
  auto sealed = store.get_sealed_credential(tenant.id);
  if (!sealed) {
    if (sealed.error().code() == status_code::not_found) {
      return status::not_found("tenant " + tenant.id
                               + " has no credential; set one in the config or with PUT "
                                 "/api/v1/tenants/" + tenant.id + "/credential");
    }
    return sealed.error();
  }
  auto plain = box.open(tenant.id, *sealed);
  if (!plain) {
    return status::permission_denied("the sealed credential of tenant " + tenant.id
                                     + " does not open with this master key (another key "
                                       "file, or a damaged record): "
                                     + plain.error().message());
  }
  auto material = decode_credential(*plain);
  if (!material) return material.error();
  client_credential out;
  out.client_id = material->client_id;
  if (material->kind() == credential_kind::certificate) {
    auto assertion = client_assertion::load(material->certificate_pem, material->private_key_pem);
    if (!assertion) {
      return status::invalid_argument("the certificate credential of tenant " + tenant.id
                                      + " cannot be used: " + assertion.error().message());
    }
    out.assertion = std::make_shared<const client_assertion>(std::move(*assertion));
  } else {
    out.client_secret = std::move(material->client_secret);
  }
  return out;
}

std::function<expected<client_credential>(const tenant_settings&)>
sealed_credential_loader(std::shared_ptr<const lmdb_store> store, secret_box box) {
  return [store = std::move(store), box = std::move(box)](
           const tenant_settings& tenant) -> expected<client_credential> {
    return open_sealed_credential(*store, box, tenant);
  };
}

} // namespace m365
