#pragma once
// Between Beast and the router: the request parser with the server's limits, what the server
// answers a request it cannot read, and the Request the router gets from a parsed message.
// The server (server.cpp) and the HTTP fuzz target (tests/fuzz/) share them, so that the
// fuzz target reads bytes exactly as the server does.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>

#include "service/http/message.hpp"
#include "service/http/server_options.hpp"

namespace enroll::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A fresh parser for the next request on a connection, with the head and body limits of
// `options`.
void reset_parser(std::optional<BeastRequestParser>& parser, const ServerOptions& options);

// The answer to a request that could not be read (`ec` set): 413 (body limit), 431 (head
// limit) or 400; nullopt when the connection just ends (the peer closed, a timeout).
std::optional<Response> refusal_for(const boost::beast::error_code& ec);

// The router's view of a parsed request: the method, the raw path, the query decoded, the
// Authorization, Host and Idempotency-Key headers, the body (moved out of `message`). Throws
// RequestError (400) for a query string that does not decode.
Request to_request(BeastRequest& message);

}  // namespace enroll::http
