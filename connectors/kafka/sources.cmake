target_sources(enroll_connectors PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/producer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/consumer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tail_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/partitioner.cpp)
