// The API's router: routes with parameters, the errors it answers itself (404, 405 with
// Allow, 401 for reader and operator routes without a token of someone who may use it, 403 for
// an operator route with a reader's token, 400 for a bad path or a handler's RequestError),
// and the operator or reader it hands the route's handler.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <tuple>

#include "adapters/trust/signer.hpp"
#include "service/http/router.hpp"

namespace enroll::http {
namespace {

struct Captured {
  std::optional<Response> response;
  Respond respond() {
    return [this](Response r) { response = std::move(r); };
  }
  [[nodiscard]] std::string code() const {
    return nlohmann::json::parse(response.value().body).at("error").at("code");
  }
};

// Two operators: ann may act, bo's token was revoked an hour ago; two readers: cy may read,
// di's token was revoked an hour ago.
struct Operators {
  trust::NewOperator ann = trust::make_operator(trust::OperatorId("op-ann"), trust::system_now());
  trust::NewOperator bo = trust::make_operator(trust::OperatorId("op-bo"), trust::system_now());
  trust::NewOperator cy = trust::make_operator(trust::OperatorId("rd-cy"), trust::system_now(),
                                               trust::TokenRole::reader);
  trust::NewOperator di = trust::make_operator(trust::OperatorId("rd-di"), trust::system_now(),
                                               trust::TokenRole::reader);
  [[nodiscard]] trust::OperatorTokens tokens() const {
    trust::OperatorFile file{{ann.entry, bo.entry, cy.entry, di.entry}};
    for (const std::size_t revoked : {1, 3}) {
      file.operators[revoked].created_at -= std::chrono::hours(2);
      file.operators[revoked].revoked_at = trust::system_now() - std::chrono::hours(1);
    }
    return trust::OperatorTokens(std::move(file));
  }
  [[nodiscard]] std::string ann_token() const { return std::string(ann.token.view()); }
  [[nodiscard]] std::string bo_token() const { return std::string(bo.token.view()); }
  [[nodiscard]] std::string cy_token() const { return std::string(cy.token.view()); }
  [[nodiscard]] std::string di_token() const { return std::string(di.token.view()); }
};

Request get(std::string path) {
  Request r;
  r.path = std::move(path);
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add(Method::get, "/v1/registrations/{id}", [](Request& r, const Respond& respond) {
      respond(json_response(200, {{"id", r.params.at("id")}}));
    });
    router_.add(Method::get, "/v1/registrations/{id}/history",
                [](Request&, const Respond& respond) { respond(json_response(200, {})); });
    router_.add(
        Method::post, "/v1/registrations/{id}/cancel",
        [](Request& r, const Respond& respond) {
          respond(json_response(202, {{"operator", r.operator_id.str()}}));
        },
        Access::operator_token);
    router_.add(
        Method::get, "/v1/stats/funnel",
        [](Request& r, const Respond& respond) {
          respond(json_response(200, {{"who", r.operator_id.str()},
                                      {"role", std::string(trust::to_string(r.role))}}));
        },
        Access::reader);
    router_.add(Method::get, "/bad", [](Request&, const Respond&) {
      throw RequestError(Errc::bad_filter, "no such phase");
    });
  }
  Operators operators_;
  Router router_{operators_.tokens()};
};

TEST_F(RouterTest, HandsTheDecodedParameterToTheHandler) {
  Captured c;
  router_.dispatch(get("/v1/registrations/reg%2F1"), c.respond());
  ASSERT_TRUE(c.response);
  EXPECT_EQ(c.response->status, 200);
  // An encoded '/' stays inside its segment.
  EXPECT_EQ(nlohmann::json::parse(c.response->body).at("id"), "reg/1");
}

TEST_F(RouterTest, UnknownPathIs404) {
  for (const char* path : {"/v2/registrations/x", "/v1/registrations", "/v1/registrations/",
                           "/v1/registrations/x/history/more", "", "nope"}) {
    Captured c;
    router_.dispatch(get(path), c.respond());
    ASSERT_TRUE(c.response) << path;
    EXPECT_EQ(c.response->status, 404) << path;
    EXPECT_EQ(c.code(), "not_found") << path;
  }
}

TEST_F(RouterTest, KnownPathOtherMethodIs405WithAllow) {
  Captured c;
  Request r = get("/v1/registrations/x/cancel");
  r.method = Method::get;
  router_.dispatch(r, c.respond());
  ASSERT_TRUE(c.response);
  EXPECT_EQ(c.response->status, 405);
  EXPECT_EQ(c.code(), "method_not_allowed");
  ASSERT_EQ(c.response->headers.size(), 1u);
  EXPECT_EQ(c.response->headers[0], (std::pair<std::string, std::string>{"Allow", "POST"}));

  Captured d;
  r = get("/v1/registrations/x");
  r.method = Method::delete_;
  router_.dispatch(r, d.respond());
  EXPECT_EQ(d.response->status, 405);
  ASSERT_EQ(d.response->headers.size(), 1u);
  EXPECT_EQ(d.response->headers[0], (std::pair<std::string, std::string>{"Allow", "GET, HEAD"}));
}

TEST_F(RouterTest, HeadIsAnsweredByTheGetRoute) {
  Captured c;
  Request r = get("/v1/registrations/reg-1");
  r.method = Method::head;
  router_.dispatch(r, c.respond());
  ASSERT_TRUE(c.response);
  EXPECT_EQ(c.response->status, 200);  // the server sends its headers without the body
  EXPECT_EQ(nlohmann::json::parse(c.response->body).at("id"), "reg-1");

  Captured d;  // not for a POST route
  r = get("/v1/registrations/reg-1/cancel");
  r.method = Method::head;
  r.authorization = "Bearer " + operators_.ann_token();
  router_.dispatch(r, d.respond());
  EXPECT_EQ(d.response->status, 405);
}

// An unknown token, a revoked operator's and no token at all get the same answer; a good token
// names its operator to the handler.
TEST_F(RouterTest, OperatorRoutesNeedTheTokenOfAnOperatorWhoMayAct) {
  Request r = get("/v1/registrations/x/cancel");
  r.method = Method::post;
  const auto ann = operators_.ann_token();
  std::string body;
  for (const std::string& auth :
       {std::string(), std::string("Bearer"), std::string("Bearer "), std::string("Bearer wrong"),
        "Basic " + ann, "Bearer " + ann + "2", "Bearer " + ann.substr(1), "bearer " + ann,
        "Bearer  " + ann, "Bearer " + operators_.bo_token(), "Bearer " + std::string(600, 'x')}) {
    Captured c;
    r.authorization = auth;
    router_.dispatch(r, c.respond());
    ASSERT_TRUE(c.response) << auth;
    EXPECT_EQ(c.response->status, 401) << auth;
    EXPECT_EQ(c.code(), "unauthorized");
    EXPECT_EQ(c.response->headers.at(0).first, "WWW-Authenticate");
    if (body.empty()) body = c.response->body;
    EXPECT_EQ(c.response->body, body) << "one answer for every refusal: " << auth;
  }
  Captured ok;
  r.authorization = "Bearer " + ann;
  r.operator_id = trust::OperatorId("op-bo");  // never from the request: the router sets it
  router_.dispatch(r, ok.respond());
  EXPECT_EQ(ok.response->status, 202);
  EXPECT_EQ(nlohmann::json::parse(ok.response->body).at("operator"), "op-ann");
}

// Reads need a reader's or an operator's token: none, an unknown one and a revoked one (of
// either role) get the same 401; a good one names who reads, with the role.
TEST_F(RouterTest, ReaderRoutesTakeAReadersOrAnOperatorsToken) {
  Request r = get("/v1/stats/funnel");
  std::string body;
  for (const std::string& auth :
       {std::string(), std::string("Bearer "), std::string("Bearer wrong"),
        "Basic " + operators_.cy_token(), "Bearer " + operators_.di_token(),
        "Bearer " + operators_.bo_token()}) {
    Captured c;
    r.authorization = auth;
    router_.dispatch(r, c.respond());
    ASSERT_TRUE(c.response) << auth;
    EXPECT_EQ(c.response->status, 401) << auth;
    EXPECT_EQ(c.code(), "unauthorized");
    EXPECT_EQ(c.response->headers.at(0),
              (std::pair<std::string, std::string>{"WWW-Authenticate", "Bearer"}));
    if (body.empty()) body = c.response->body;
    EXPECT_EQ(c.response->body, body) << "one answer for every refusal: " << auth;
  }
  for (const auto& [token, who, role] :
       {std::tuple{operators_.cy_token(), "rd-cy", "reader"},
        std::tuple{operators_.ann_token(), "op-ann", "operator"}}) {
    Captured ok;
    r.authorization = "Bearer " + token;
    router_.dispatch(r, ok.respond());
    ASSERT_TRUE(ok.response);
    EXPECT_EQ(ok.response->status, 200) << who;
    EXPECT_EQ(nlohmann::json::parse(ok.response->body),
              (nlohmann::json{{"who", who}, {"role", role}}));
  }
  // HEAD is a read too.
  Captured head;
  r.method = Method::head;
  r.authorization.clear();
  router_.dispatch(r, head.respond());
  EXPECT_EQ(head.response->status, 401);
}

// A reader's token is known but may not act: 403 not_an_operator (a client that asks again for
// a token should ask for an operator's, not the same one); the handler never runs.
TEST_F(RouterTest, AReadersTokenNeverActs) {
  Request r = get("/v1/registrations/x/cancel");
  r.method = Method::post;
  r.authorization = "Bearer " + operators_.cy_token();
  Captured c;
  router_.dispatch(r, c.respond());
  ASSERT_TRUE(c.response);
  EXPECT_EQ(c.response->status, 403);
  EXPECT_EQ(c.code(), "not_an_operator");
  // A revoked reader's is unknown like any other.
  r.authorization = "Bearer " + operators_.di_token();
  Captured d;
  router_.dispatch(r, d.respond());
  EXPECT_EQ(d.response->status, 401);
}

TEST_F(RouterTest, WithoutOperatorsOperatorRoutesAlwaysRefuse) {
  Router open;
  open.add(
      Method::post, "/x", [](Request&, const Respond& respond) { respond(json_response(200, {})); },
      Access::operator_token);
  Request r = get("/x");
  r.method = Method::post;
  r.authorization = "Bearer ";
  Captured c;
  open.dispatch(r, c.respond());
  EXPECT_EQ(c.response->status, 401);
}

TEST_F(RouterTest, MalformedEscapeIs400) {
  Captured c;
  router_.dispatch(get("/v1/registrations/%zz"), c.respond());
  EXPECT_EQ(c.response->status, 400);
  EXPECT_EQ(c.code(), "bad_request");
}

TEST_F(RouterTest, RequestErrorOfAHandlerIsItsResponse) {
  Captured c;
  router_.dispatch(get("/bad"), c.respond());
  EXPECT_EQ(c.response->status, 400);
  EXPECT_EQ(c.code(), "bad_filter");
  EXPECT_EQ(nlohmann::json::parse(c.response->body)["error"]["message"], "no such phase");
}

TEST_F(RouterTest, RefusesARouteAddedTwice) {
  EXPECT_THROW(
      router_.add(Method::get, "/v1/registrations/{other}", [](Request&, const Respond&) {}),
      std::logic_error);
}

}  // namespace
}  // namespace enroll::http
