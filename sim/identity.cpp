#include "sim/identity.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <atomic>
#include <boost/json.hpp>
#include <memory>

#include "messages/ascii_case.hpp"
#include "sim/base64url.hpp"
#include "sim/json_text.hpp"
#include "sim/seed_hash.hpp"
#include "sim/time_text.hpp"

namespace m365::sim {

namespace {

constexpr std::string_view graph_scope = "https://graph.microsoft.com/.default";

std::string form_decode(std::string_view s) {
  auto hex = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string form_field(std::string_view form, std::string_view name) {
  while (!form.empty()) {
    size_t amp = form.find('&');
    std::string_view pair = form.substr(0, amp);
    size_t eq = pair.find('=');
    if (form_decode(pair.substr(0, eq)) == name)
      return eq == std::string_view::npos ? std::string() : form_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos)
      break;
    form.remove_prefix(amp + 1);
  }
  return {};
}

std::atomic<uint64_t> trace_counter{0};

token_response aad_error(unsigned status, const std::string& error, int code, const std::string& text,
                         const std::string& tenant_slug) {
  uint64_t n = trace_counter.fetch_add(1);
  std::string trace = guid_from(hash_of({n, 1}), hash_of({n, 2}));
  std::string correlation = guid_from(hash_of({n, 3}), hash_of({n, 4}));
  std::string ts = format_utc_z(unix_now());
  ts[10] = ' ';
  std::string out = "{";
  json::append_member(out, "error", error);
  out.push_back(',');
  json::append_member(out, "error_description",
                      "AADSTS" + std::to_string(code) + ": " + text + "\r\nTrace ID: " + trace +
                        "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + ts);
  out.append(",\"error_codes\":[" + std::to_string(code) + "],");
  json::append_member(out, "timestamp", ts);
  out.push_back(',');
  json::append_member(out, "trace_id", trace);
  out.push_back(',');
  json::append_member(out, "correlation_id", correlation);
  out.push_back(',');
  json::append_member(out, "error_uri", "https://login.microsoftonline.com/error?code=" + std::to_string(code));
  out.push_back('}');
  return {status, out, tenant_slug, "AADSTS" + std::to_string(code)};
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  unsigned char d = 0;
  for (size_t i = 0; i < a.size(); ++i)
    d |= static_cast<unsigned char>(a[i] ^ b[i]);
  return d == 0;
}

struct key_free { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct bio_free { void operator()(BIO* b) const { BIO_free(b); } };
struct x509_free { void operator()(X509* x) const { X509_free(x); } };
struct mdctx_free { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };

bool verify_rsa(const std::string& cert_pem, std::string_view alg, std::string_view signed_part,
                const std::string& signature) {
  std::unique_ptr<BIO, bio_free> bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  std::unique_ptr<X509, x509_free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert)
    return false;
  std::unique_ptr<EVP_PKEY, key_free> key(X509_get_pubkey(cert.get()));
  std::unique_ptr<EVP_MD_CTX, mdctx_free> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get()) != 1)
    return false;
  if (alg == "PS256") {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO);
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

} // namespace

identity::identity(const dataset& data, uint64_t seed) : data_(data) {
  for (uint64_t i = 0; i < 4; ++i) {
    uint64_t h = hash_of({seed, 0x70CE, i});
    key_.append(reinterpret_cast<const char*>(&h), 8);
  }
}

std::string identity::sign(std::string_view data) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return base64url_encode(std::string_view(reinterpret_cast<char*>(out), len));
}

std::string identity::mint(const tenant_info& t, int64_t lifetime_s) const {
  static std::atomic<uint64_t> nonce{0};
  int64_t now = unix_now();
  std::string header = R"({"typ":"JWT","alg":"HS256","kid":"m365sim"})";
  std::string payload = "{";
  json::append_member(payload, "aud", "https://graph.microsoft.com");
  payload.push_back(',');
  json::append_member(payload, "iss", "https://sts.windows.net/" + t.directory_id + "/");
  payload.append(",\"iat\":" + std::to_string(now) + ",\"nbf\":" + std::to_string(now) +
                 ",\"exp\":" + std::to_string(now + lifetime_s) + ",");
  json::append_member(payload, "appid", t.client_id);
  payload.append(",\"roles\":[\"Mail.Read\",\"Calendars.ReadWrite\",\"User.Read.All\"],");
  json::append_member(payload, "tid", t.directory_id);
  payload.push_back(',');
  json::append_member(payload, "uti", base64url_encode(std::to_string(nonce.fetch_add(1))));
  payload.push_back('}');
  std::string unsigned_part = base64url_encode(header) + "." + base64url_encode(payload);
  return unsigned_part + "." + sign(unsigned_part);
}

token_check identity::validate(std::string_view header, access_claims& claims) const {
  if (header.empty())
    return token_check::missing;
  if (header.size() < 7 || (header.substr(0, 7) != "Bearer " && header.substr(0, 7) != "bearer "))
    return token_check::malformed;
  std::string_view token = header.substr(7);
  size_t d1 = token.find('.');
  size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos)
    return token_check::malformed;
  if (!constant_time_equal(sign(token.substr(0, d2)), token.substr(d2 + 1)))
    return token_check::bad_signature;
  auto payload = base64_decode_any(token.substr(d1 + 1, d2 - d1 - 1));
  if (!payload)
    return token_check::malformed;
  boost::system::error_code ec;
  auto v = boost::json::parse(*payload, ec);
  if (ec || !v.is_object())
    return token_check::malformed;
  auto& o = v.as_object();
  auto* tid = o.if_contains("tid");
  auto* appid = o.if_contains("appid");
  auto* exp = o.if_contains("exp");
  if (!tid || !tid->is_string() || !appid || !appid->is_string() || !exp || !exp->is_number())
    return token_check::malformed;
  claims.tid = std::string(tid->as_string());
  claims.appid = std::string(appid->as_string());
  claims.exp = exp->to_number<int64_t>();
  if (claims.exp <= unix_now())
    return token_check::expired;
  return token_check::ok;
}

std::optional<std::string> identity::check_assertion(const tenant_info& t, std::string_view a,
                                                     const std::string& token_url, std::string& aadsts) const {
  size_t d1 = a.find('.');
  size_t d2 = d1 == std::string_view::npos ? d1 : a.find('.', d1 + 1);
  if (d2 == std::string_view::npos) {
    aadsts = "50027";
    return std::string("JWT token is invalid or malformed.");
  }
  auto header = base64_decode_any(a.substr(0, d1));
  auto payload = base64_decode_any(a.substr(d1 + 1, d2 - d1 - 1));
  auto signature = base64_decode_any(a.substr(d2 + 1));
  boost::system::error_code ec1, ec2;
  boost::json::value hv, pv;
  if (header)
    hv = boost::json::parse(*header, ec1);
  if (payload)
    pv = boost::json::parse(*payload, ec2);
  if (!header || !payload || !signature || ec1 || ec2 || !hv.is_object() || !pv.is_object()) {
    aadsts = "50027";
    return std::string("JWT token is invalid or malformed.");
  }
  auto& h = hv.as_object();
  auto& p = pv.as_object();
  auto str = [](const boost::json::object& o, const char* k) -> std::string {
    auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::string alg = str(h, "alg");
  if (alg != "RS256" && alg != "PS256") {
    aadsts = "5002738";
    return "Invalid JWT token. '" + alg + "' is not a supported signature algorithm.";
  }
  std::string x5t256 = str(h, "x5t#S256");
  std::string x5t = str(h, "x5t");
  auto t256 = base64_decode_any(x5t256);
  auto t1 = base64_decode_any(x5t);
  bool thumb_ok = (!x5t256.empty() && t256 && *t256 == t.certificate_sha256) ||
                  (x5t256.empty() && !x5t.empty() && t1 && *t1 == t.certificate_sha1);
  if (!thumb_ok) {
    aadsts = "700027";
    return "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.]";
  }
  if (!verify_rsa(t.certificate_pem, alg, a.substr(0, d2), *signature)) {
    aadsts = "700027";
    return std::string("Client assertion failed signature validation.");
  }
  std::string aud = str(p, "aud");
  if (aud != token_url) {
    aadsts = "700212";
    return "The audience claim value '" + aud + "' is invalid for the client assertion. Use the token endpoint URL.";
  }
  if (str(p, "iss") != t.client_id || str(p, "sub") != t.client_id) {
    aadsts = "700021";
    return std::string("Client assertion application identifier doesn't match 'client_id' parameter.");
  }
  auto* exp = p.if_contains("exp");
  int64_t now = unix_now();
  if (!exp || !exp->is_number() || exp->to_number<int64_t>() <= now) {
    aadsts = "700024";
    return std::string("Client assertion is not within its valid time range.");
  }
  if (auto* nbf = p.if_contains("nbf"); nbf && nbf->is_number() && nbf->to_number<int64_t>() > now + 300) {
    aadsts = "700024";
    return std::string("Client assertion is not within its valid time range.");
  }
  return std::nullopt;
}

token_response identity::issue(std::string_view tenant_name, std::string_view form, const std::string& token_url,
                               const fault_profile& faults, int64_t default_lifetime_s) const {
  const tenant_info* t = data_.find_tenant(tenant_name);
  if (!t)
    return aad_error(400, "invalid_request", 90002,
                     "Tenant '" + std::string(tenant_name) +
                       "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
                     "");
  std::string grant = form_field(form, "grant_type");
  std::string client_id = form_field(form, "client_id");
  std::string scope = form_field(form, "scope");
  if (grant != "client_credentials")
    return aad_error(400, "unsupported_grant_type", 70003,
                     "The app requested an unsupported grant type '" + grant + "'.", t->slug);
  if (client_id.empty())
    return aad_error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.", t->slug);
  if (ascii_lower(client_id) != t->client_id)
    return aad_error(400, "unauthorized_client", 700016,
                     "Application with identifier '" + client_id + "' was not found in the directory '" + t->slug +
                       "'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                     t->slug);
  if (scope != graph_scope)
    return aad_error(400, "invalid_scope", 70011,
                     "The provided value for the input parameter 'scope' is not valid. The scope " + scope + " is not valid.",
                     t->slug);
  std::string secret = form_field(form, "client_secret");
  std::string assertion_type = form_field(form, "client_assertion_type");
  std::string assertion = form_field(form, "client_assertion");
  if (!assertion.empty() || !assertion_type.empty()) {
    if (assertion_type != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      return aad_error(400, "invalid_request", 50027, "JWT token is invalid or malformed. Unsupported client_assertion_type.", t->slug);
    if (t->certificate_pem.empty())
      return aad_error(401, "invalid_client", 700027, "The application has no registered certificate.", t->slug);
    std::string code;
    if (auto why = check_assertion(*t, assertion, token_url, code))
      return aad_error(code == "50027" ? 400 : 401, code == "50027" ? "invalid_request" : "invalid_client",
                       std::stoi(code), *why, t->slug);
  } else if (!secret.empty()) {
    // The secret value is never echoed into the error text.
    if (faults.expired_secret_tenants.count(t->slug))
      return aad_error(401, "invalid_client", 7000222,
                       "The provided client secret keys for app '" + t->client_id +
                         "' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
                       t->slug);
    if (faults.revoked_secret_tenants.count(t->slug) || !constant_time_equal(secret, t->client_secret))
      return aad_error(401, "invalid_client", 7000215,
                       "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" +
                         t->client_id + "'.",
                       t->slug);
  } else {
    return aad_error(401, "invalid_client", 7000218,
                     "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", t->slug);
  }
  int64_t lifetime = faults.token_lifetime_s > 0 ? faults.token_lifetime_s : default_lifetime_s;
  std::string body = "{\"token_type\":\"Bearer\",\"expires_in\":" + std::to_string(lifetime) +
                     ",\"ext_expires_in\":" + std::to_string(lifetime) + ",\"access_token\":\"" + mint(*t, lifetime) + "\"}";
  return {200, body, t->slug, ""};
}

} // namespace m365::sim
