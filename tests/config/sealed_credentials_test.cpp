// The engine's credential loader opens what the config (or the API) sealed into the store, with
// the same master key only, and says what to do when there is nothing to open.
#include <catch2/catch.hpp>

#include "adapters/token_client.hpp"
#include "config/credential_material.hpp"
#include "config/sealed_credentials.hpp"
#include "store/lmdb_store.hpp"
#include "tests/support/temp_directory.hpp"

using namespace m365;
using m365::test::temp_directory;

TEST_CASE("the sealed credential loader opens a tenant's secret with the master key only",
          "[config][secret_box][store]") {
  temp_directory dir;
  store_options options;
  options.path = dir.file("store");
  auto opened = lmdb_store::open(options);
  REQUIRE(opened.has_value());
  std::shared_ptr<lmdb_store> store{std::move(*opened)};
  secret_box box{*master_key::generate()};
  tenant_settings contoso;
  contoso.id = "contoso";

  auto load = sealed_credential_loader(store, box);
  auto missing = load(contoso);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code() == status_code::not_found);
  CHECK(missing.error().message().find("PUT /api/v1/tenants/contoso/credential")
        != std::string::npos);

  credential_material material;
  material.client_id = "app-1";
  material.client_secret = "s3cret";
  REQUIRE(store->put_sealed_credential("contoso", *box.seal("contoso", encode_credential(material))));
  auto credential = load(contoso);
  REQUIRE(credential.has_value());
  CHECK(credential->client_id == "app-1");
  CHECK(credential->client_secret == "s3cret");
  CHECK(credential->assertion == nullptr);

  secret_box other{*master_key::generate()};
  auto wrong_key = open_sealed_credential(*store, other, contoso);
  REQUIRE_FALSE(wrong_key.has_value());
  CHECK(wrong_key.error().code() == status_code::permission_denied);
  CHECK(wrong_key.error().message().find("s3cret") == std::string::npos);
}
