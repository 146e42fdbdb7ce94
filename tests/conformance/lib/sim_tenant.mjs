// Ownership: plain functions; the manifest file is read once per run.
// What the conformance test knows about the simulated cloud: the manifest m365sim writes
// (tenants with credentials and endpoints, users) and the token each tenant's app obtains.

import { readFileSync } from 'node:fs';

/// Reads the manifest. Shape: {url, tenants:[{slug, directory_id, client_id, client_secret,
/// authority, token_endpoint?, graph, users:[{id, upn}]}]}.
export function loadManifest(path) {
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(manifest.tenants) || manifest.tenants.length === 0) {
    throw new Error(`manifest ${path} lists no tenants`);
  }
  for (const t of manifest.tenants) {
    for (const key of ['slug', 'directory_id', 'client_id', 'client_secret', 'authority', 'graph']) {
      if (typeof t[key] !== 'string' || t[key] === '') throw new Error(`manifest tenant lacks '${key}'`);
    }
    if (!Array.isArray(t.users) || t.users.length === 0) throw new Error(`manifest tenant ${t.slug} has no users`);
  }
  return manifest;
}

/// The identity platform's token URL of a tenant (the manifest's, else the documented shape).
export function tokenEndpoint(tenant) {
  return tenant.token_endpoint ?? `${tenant.authority.replace(/\/+$/, '')}/${tenant.directory_id}/oauth2/v2.0/token`;
}

/// Client credentials grant with the app's secret, as an app registered in Entra does it.
/// Returns the access token. Errors name the tenant and the AADSTS code, never the secret.
export async function fetchAppToken(tenant, fetchImpl = fetch) {
  const form = new URLSearchParams({
    client_id: tenant.client_id,
    client_secret: tenant.client_secret,
    scope: 'https://graph.microsoft.com/.default',
    grant_type: 'client_credentials',
  });
  const response = await fetchImpl(tokenEndpoint(tenant), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`token endpoint of ${tenant.slug}: HTTP ${response.status}, body is not JSON`);
  }
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`token endpoint of ${tenant.slug}: HTTP ${response.status} ${body.error ?? ''} ${(body.error_codes ?? []).join(',')}`);
  }
  if (body.token_type !== 'Bearer') {
    throw new Error(`token endpoint of ${tenant.slug}: token_type is '${body.token_type}', expected 'Bearer'`);
  }
  return body.access_token;
}

/// The claims of a JWT access token (payload only; the signature is the issuer's business).
export function tokenClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error(`the access token has ${parts.length} parts, a JWT has 3`);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}
