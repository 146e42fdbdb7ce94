// Regression (issue 9, point 8): the simulator and the Graph adapter in one binary, talking to
// each other through cut and reset responses, and both still working afterwards.
//
// The defect: m365_sim was compiled with BOOST_ASIO_NO_DEPRECATED and m365_adapters without it.
// That macro changes the return type of Asio's synchronous `basic_socket::close(error_code&)`
// (void vs error_code) but not its mangled name, so a binary linking both held two different
// functions under one symbol and the linker kept one of them. In sanitizer builds (where the
// call is not inlined) callers of the other kind passed their arguments shifted: the
// simulator's session closing its socket after a truncated body used an error_code on its
// stack as the socket (SEGV, "reference binding to null service_type"), and the adapter's
// range async_connect closing its socket read a dead return slot ("stack-use-after-scope" in
// asio/impl/connect.hpp). Every target now sees the same Asio configuration (CMakeLists.txt).
// Release builds inline the call, so this test fails only under -DM365_SANITIZE=ON.
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "adapters/http_transport.hpp"
#include "tests/sim/sim_harness.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

/// The Graph adapter's transport on its own I/O thread; get() sends one GET and waits.
struct adapter_client {
  explicit adapter_client(const std::string& graph_base) {
    m365::http_settings s;
    s.request_timeout = 10s;
    auto t = m365::http_transport::create(io, s);
    REQUIRE(t.has_value());
    transport = *t;
    auto ep = m365::graph_endpoint::parse(graph_base);
    REQUIRE(ep.has_value());
    peer = *ep;
    thread = std::thread([this] { io.run(); });
  }
  ~adapter_client() {
    work.reset();
    io.stop();
    thread.join();
  }
  m365::http_reply get(const std::string& target, const std::string& token) {
    std::promise<m365::http_reply> p;
    auto f = p.get_future();
    asio::post(transport->executor(), [&] {
      m365::http_request_spec req;
      req.target = target;
      req.headers.emplace_back("Authorization", "Bearer " + token);
      req.headers.emplace_back("Prefer", "odata.maxpagesize=20");
      transport->send(peer, std::move(req), [&p](m365::http_reply r) { p.set_value(std::move(r)); });
    });
    REQUIRE(f.wait_for(20s) == std::future_status::ready);
    return f.get();
  }

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::shared_ptr<m365::http_transport> transport;
  m365::graph_endpoint peer;
  std::thread thread;
};

void set_faults(m365::sim::testing::sim_harness& h, const std::string& profile) {
  REQUIRE(h.control("PUT", "/_sim/faults", profile).first == 200);
}

} // namespace

TEST_CASE("the simulator keeps serving the Graph adapter after cutting and resetting its "
          "answers, both linked into one binary",
          "[regression][sim][adapters]") {
  m365::sim::testing::sim_harness h;
  const std::string token = h.token(0);
  const std::string target = "/v1.0/users/" + h.user_upn(0, 0) + "/mailFolders/inbox/messages/delta";
  adapter_client client(h.graph());

  set_faults(h, R"({"truncated_body":1.0})");
  for (int i = 0; i < 3; ++i) {  // each on a fresh connection: the server closes after the cut
    auto cut = client.get(target, token);
    CHECK(cut.error == boost::beast::http::error::partial_message);
  }
  CHECK(h.state().stats().fault_count("truncate") == 3);

  set_faults(h, R"({"reset_mid_body":1.0})");
  auto reset = client.get(target, token);
  CHECK(reset.error);
  CHECK(h.state().stats().fault_count("reset") == 1);

  set_faults(h, "{}");
  for (int i = 0; i < 3; ++i) {  // the server still answers whole pages, on a kept-alive connection
    auto whole = client.get(target, token);
    REQUIRE(!whole.error);
    CHECK(whole.status == 200);
    CHECK(whole.body.view().find("\"value\"") != std::string_view::npos);
    CHECK(whole.reused_connection == (i > 0));
  }
}
