# The HTTP API (Boost.Beast). Asio is included by server.cpp only, to keep its compile cost in
# one translation unit; Beast's request parser also by beast_request.cpp (shared with the
# HTTP fuzz target).
target_sources(enroll_connectors PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/message.cpp
  ${CMAKE_CURRENT_LIST_DIR}/query.cpp
  ${CMAKE_CURRENT_LIST_DIR}/duration.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cursor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/router.cpp
  ${CMAKE_CURRENT_LIST_DIR}/beast_request.cpp
  ${CMAKE_CURRENT_LIST_DIR}/server.cpp
  ${CMAKE_CURRENT_LIST_DIR}/redis_worker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/registration_view.cpp
  ${CMAKE_CURRENT_LIST_DIR}/read_api.cpp
  ${CMAKE_CURRENT_LIST_DIR}/inbox_writer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/operator_api.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dashboard.cpp
  ${CMAKE_CURRENT_LIST_DIR}/api_server.cpp)
target_link_libraries(enroll_connectors PUBLIC Boost::headers)
# The dashboard's files, compiled in (no build step, no files beside the binary).
foreach(asset html js css)
  embed_text(dashboard_${asset} enroll::http connectors/http/dashboard_assets.hpp
             ${CMAKE_CURRENT_LIST_DIR}/dashboard/dashboard.${asset})
endforeach()
