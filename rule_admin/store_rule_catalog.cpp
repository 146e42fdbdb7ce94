// The store's tenants and users as a rule_context_catalog.
#include "rule_admin/store_rule_catalog.hpp"

#include "store/lmdb_store.hpp"

namespace m365 {

expected<memory_rule_catalog> store_rule_catalog(const lmdb_store& store) {
  memory_rule_catalog catalog;
  auto tenants = store.list_tenants();
  if (!tenants) return tenants.error();
  for (auto& t : *tenants) catalog.add_tenant(t.id);
  auto users = store.list_users({});
  if (!users) return users.error();
  for (auto& u : *users) catalog.add_user(std::move(u));
  return catalog;
}

} // namespace m365
