#include "adapters/redis/router.hpp"

namespace enroll::redis {

Reply SingleNode::command(const RoutingKey& /*key*/, const std::vector<std::string>& argv) {
  return client_.command(argv);
}

std::vector<Reply> SingleNode::pipeline(const std::vector<RoutedCommand>& commands) {
  for (const auto& c : commands) client_.append(c.argv);
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) replies.push_back(client_.read_reply());
  return replies;
}

std::vector<Reply> SingleNode::on_every_node(const std::vector<std::string>& argv) {
  std::vector<Reply> replies;
  replies.push_back(client_.command(argv));
  return replies;
}

}  // namespace enroll::redis
