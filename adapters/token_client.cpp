// Ownership: see header.
#include "adapters/token_client.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <boost/asio/post.hpp>

#include "adapters/http_transport.hpp"
#include "adapters/token_response_decoder.hpp"

namespace m365 {

namespace {

std::string form_encode(std::string_view value) {
  return boost::urls::encode(value, boost::urls::unreserved_chars);
}

/// What each known AADSTS code means for the operator.
token_outcome classify(int64_t code, const std::string& error, const std::string& directory) {
  token_outcome out;
  const std::string where = " (directory " + directory + ")";
  switch (code) {
    case 7000215:
      out.error = token_errc::invalid_secret;
      out.message = "AADSTS7000215: the client secret is wrong" + where
                    + ". Configure the secret's VALUE (not its ID) from the app registration's "
                      "'Certificates & secrets' page.";
      return out;
    case 7000222:
      out.error = token_errc::expired_secret;
      out.message = "AADSTS7000222: the client secret has expired" + where
                    + ". Create a new secret in the app registration and update this tenant's "
                      "credential.";
      return out;
    case 700016:
      out.error = token_errc::app_not_in_tenant;
      out.message = "AADSTS700016: the application was not found in the directory" + where
                    + ". Check the client id and have an administrator of that directory grant "
                      "admin consent to the app.";
      return out;
    case 90002:
      out.error = token_errc::tenant_not_found;
      out.message = "AADSTS90002: the directory was not found" + where
                    + ". Check the tenant's directory_id (GUID or domain) and, for national "
                      "clouds, the authority URL.";
      return out;
    case 70011:
      out.error = token_errc::invalid_scope;
      out.message = "AADSTS70011: the requested scope is not valid" + where
                    + ". The client-credentials flow needs a '<resource>/.default' scope.";
      return out;
    case 700027:
    case 700024:
    case 50027:
      out.error = token_errc::bad_certificate;
      out.message = "AADSTS" + std::to_string(code) + ": the client assertion was refused" + where
                    + ". Check that the certificate is uploaded to the app registration, not "
                      "expired, and that this host's clock is correct.";
      return out;
    default:
      break;
  }
  if (error == "invalid_client") {
    out.error = token_errc::invalid_secret;
    out.message = "invalid_client" + std::string(code ? " (AADSTS" + std::to_string(code) + ")" : "")
                  + where + ": the identity platform refused the credential. Check the client "
                    "id and the secret or certificate.";
    return out;
  }
  out.error = token_errc::endpoint_error;
  out.message = "token endpoint error '" + error + "'"
                + (code ? " (AADSTS" + std::to_string(code) + ")" : std::string()) + where;
  return out;
}

} // namespace

int64_t aadsts_code(const std::vector<int64_t>& error_codes, const std::string& description) {
  if (!error_codes.empty())
    return error_codes.front();
  const auto pos = description.find("AADSTS");
  if (pos == std::string::npos)
    return 0;
  int64_t code = 0;
  for (size_t i = pos + 6; i < description.size() && i < pos + 16; ++i) {
    if (description[i] < '0' || description[i] > '9')
      break;
    code = code * 10 + (description[i] - '0');
  }
  return code;
}

token_client::token_client(graph_endpoint authority, std::string directory_id,
                           client_credential credential, std::string scope)
  : authority_(std::move(authority)),
    directory_id_(std::move(directory_id)),
    credential_(std::move(credential)),
    scope_(std::move(scope)) {}

std::string token_client::token_endpoint_url() const {
  return authority_.url("/" + form_encode(directory_id_) + "/oauth2/v2.0/token");
}

expected<token_http_request> token_client::build_request(int64_t now_s) const {
  if (credential_.client_id.empty())
    return status::invalid_argument("no client id configured");
  token_http_request req;
  req.target = authority_.path_prefix + "/" + form_encode(directory_id_) + "/oauth2/v2.0/token";
  req.content_type = "application/x-www-form-urlencoded";
  req.body = "grant_type=client_credentials&client_id=" + form_encode(credential_.client_id)
             + "&scope=" + form_encode(scope_);
  if (credential_.assertion) {
    auto jwt = credential_.assertion->make(credential_.client_id, token_endpoint_url(), now_s);
    if (!jwt)
      return jwt.error();
    req.body += "&client_assertion_type="
                + form_encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                + "&client_assertion=" + form_encode(*jwt);
  } else if (!credential_.client_secret.empty()) {
    req.body += "&client_secret=" + form_encode(credential_.client_secret);
  } else {
    return status::invalid_argument("no client secret or certificate configured");
  }
  return req;
}

token_outcome token_client::interpret(unsigned http_status, const padded_body& body,
                                      std::chrono::system_clock::time_point now) const {
  auto reply = decode_token_reply(body);
  if (!reply) {
    token_outcome out;
    out.error = token_errc::endpoint_error;
    out.transient = true;
    out.message = "token endpoint answered HTTP " + std::to_string(http_status)
                  + " with an unreadable body: " + reply.error().message();
    return out;
  }
  if (http_status == 200 && reply->is_token()) {
    token_outcome out;
    out.ok = true;
    out.token.value = std::move(reply->access_token);
    out.token.expires_at = now + std::chrono::seconds{reply->expires_in_s};
    return out;
  }
  const int64_t code = aadsts_code(reply->error_codes, reply->error_description);
  token_outcome out = classify(code, reply->error, directory_id_);
  // Server-side trouble and throttling clear up by themselves; credential errors do not.
  out.transient = out.error == token_errc::endpoint_error
                  && (http_status >= 500 || http_status == 429);
  return out;
}

void token_client::fetch(const std::shared_ptr<http_transport>& transport,
                         std::function<void(token_outcome)> done) const {
  // Copy what the request needs: the client may be replaced (credential rotation) meanwhile.
  auto self = std::make_shared<token_client>(*this);
  boost::asio::post(transport->executor(), [self, transport, done = std::move(done)]() mutable {
    const auto now = std::chrono::system_clock::now();
    auto req = self->build_request(std::chrono::duration_cast<std::chrono::seconds>(
                                     now.time_since_epoch()).count());
    if (!req) {
      token_outcome out;
      out.error = req.error().message().rfind("client assertion", 0) == 0
                    ? token_errc::bad_certificate
                    : token_errc::no_credential;
      out.message = req.error().message();
      return done(std::move(out));
    }
    http_request_spec spec;
    spec.method = boost::beast::http::verb::post;
    spec.target = std::move(req->target);
    spec.body = std::move(req->body);
    spec.content_type = std::move(req->content_type);
    // Sent to the authority only, and without any bearer token.
    transport->send(self->authority_, std::move(spec),
                    [self, done = std::move(done)](http_reply reply) {
      if (reply.error) {
        token_outcome out;
        out.error = token_errc::endpoint_error;
        out.transient = true;
        out.message = "token endpoint " + self->authority_.origin() + " unreachable during "
                      + reply.stage + ": " + reply.error.message();
        return done(std::move(out));
      }
      done(self->interpret(reply.status, reply.body, std::chrono::system_clock::now()));
    });
  });
}

} // namespace m365
