target_sources(enroll_connectors PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/inbox_pipeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/message_step.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pipeline_monitor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/passcode_pool.cpp)
