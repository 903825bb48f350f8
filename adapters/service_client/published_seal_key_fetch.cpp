#include "adapters/service_client/published_seal_key_fetch.hpp"

namespace enroll::client {

FetchedSealKey fetch_seal_key(const std::string& api, const std::string& ca_file,
                              const crypto::PublisherKeys& trusted) {
  const ServiceClient client(parse_service_url(api), {}, ca_file, kSealKeyTimeout,
                             kSealKeyBodyLimit);
  try {
    return seal_key_from_answer(client.get(std::string(kSealKeyPath)), trusted);
  } catch (const ServiceUnreachable& e) {
    throw ServiceUnreachable(std::string(kSealKeyWhat) + e.what());
  }
}

}  // namespace enroll::client
