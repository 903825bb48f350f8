#include "service/http/beast_request.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <string_view>

#include "service/http/query.hpp"

namespace enroll::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

Method method_of(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::get;
    case bhttp::verb::head:
      return Method::head;
    case bhttp::verb::post:
      return Method::post;
    case bhttp::verb::put:
      return Method::put;
    case bhttp::verb::patch:
      return Method::patch;
    case bhttp::verb::delete_:
      return Method::delete_;
    case bhttp::verb::options:
      return Method::options;
    default:
      return Method::other;
  }
}

}  // namespace

void reset_parser(std::optional<BeastRequestParser>& parser, const ServerOptions& options) {
  parser.emplace();
  parser->header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser->body_limit(options.body_limit);
}

std::optional<Response> refusal_for(const beast::error_code& ec) {
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset ||
      ec == net::error::eof) {
    return std::nullopt;
  }
  if (ec == bhttp::error::body_limit) {
    return error_response(Errc::payload_too_large, "the request body is too large");
  }
  if (ec == bhttp::error::header_limit) {
    return error_response(Errc::headers_too_large, "the request head is too large");
  }
  return error_response(Errc::bad_request, "malformed HTTP request: " + ec.message());
}

Request to_request(BeastRequest& message) {
  Request request;
  request.method = method_of(message.method());
  const std::string_view target(message.target().data(), message.target().size());
  const auto q = target.find('?');
  request.path = std::string(target.substr(0, q));
  request.authorization = std::string(message[bhttp::field::authorization]);
  request.host = std::string(message[bhttp::field::host]);
  request.idempotency_key = std::string(message["Idempotency-Key"]);
  request.body = std::move(message.body());
  if (q != std::string_view::npos) request.query = parse_query(target.substr(q + 1));
  return request;
}

}  // namespace enroll::http
