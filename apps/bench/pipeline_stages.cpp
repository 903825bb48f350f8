#include "apps/bench/pipeline_stages.hpp"

#include "adapters/service_client/service_client.hpp"

namespace enroll::bench {

std::optional<PipelineFigures> pipeline_figures(const std::string& api,
                                                const std::string& ca_file) {
  try {
    const client::ServiceClient service(client::parse_service_url(api), "", ca_file,
                                        std::chrono::seconds(5), kMetricsBodyLimit);
    const auto answer = service.get("/metrics");
    if (answer.status != 200) return std::nullopt;
    return parse_pipeline_figures(answer.body);
  } catch (const std::exception&) {
    return std::nullopt;  // the table is left out; the run's other figures stand
  }
}

}  // namespace enroll::bench
